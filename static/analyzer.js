// The analyzer's pages: upload progress on the paste form, evidence lines
// highlighted from the findings. Everything here is an enhancement; the pages work
// without it (plain form post, #L<n> anchors, meta refresh while pending).
(function () {
  "use strict";

  function lineElements(finding) {
    return (finding.dataset.lines || "")
      .split(" ")
      .filter(Boolean)
      .map(function (n) { return document.getElementById("L" + n); })
      .filter(Boolean);
  }

  function markEvidence(root) {
    root.querySelectorAll(".finding[data-lines]").forEach(function (finding) {
      lineElements(finding).forEach(function (line) { line.classList.add("evidence"); });
    });
  }

  function focusFinding(finding) {
    document.querySelectorAll(".finding.selected").forEach(function (f) {
      f.classList.remove("selected");
    });
    document.querySelectorAll("#paste .focus").forEach(function (line) {
      line.classList.remove("focus");
    });
    var lines = lineElements(finding);
    if (!lines.length) return;
    finding.classList.add("selected");
    lines.forEach(function (line) { line.classList.add("focus"); });
    lines[0].scrollIntoView({ behavior: "smooth", block: "center" });
  }

  document.addEventListener("click", function (event) {
    var finding = event.target.closest(".finding[data-lines]");
    // Links and copy buttons inside a finding keep their own behaviour.
    if (!finding || event.target.closest("a, button, pre")) return;
    focusFinding(finding);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var finding = event.target.closest && event.target.closest(".finding[data-lines]");
    if (finding && event.target === finding) focusFinding(finding);
  });

  // The finished result arrives through the status poll: highlight its evidence.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.id === "status") markEvidence(event.target);
  });

  // Refusals of the paste form (empty, too large, not text) come back as 400/413
  // with the form and its message: show them instead of dropping the response.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (event.detail.target.id === "paste-form" && (status === 400 || status === 413)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Anything else (403 when the CSRF cookie is gone, a 500, a dropped
  // connection) would otherwise leave the form as it was, with no word.
  function formFailure(form, message) {
    var alert = form.querySelector(".error[role=alert]");
    if (!alert) {
      alert = document.createElement("p");
      alert.className = "error";
      alert.setAttribute("role", "alert");
      form.insertBefore(alert, form.firstElementChild.nextSibling);
    }
    alert.textContent = message;
    var bar = form.querySelector("#upload-progress");
    if (bar) bar.hidden = true;
    var label = form.querySelector("#upload-percent");
    if (label) label.textContent = "";
  }

  document.addEventListener("htmx:responseError", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("#paste-form");
    var status = event.detail.xhr.status;
    if (!form || status === 400 || status === 413) return;
    if (status === 429 || status === 503) {
      // A rate limit, the queue quota or a busy database: the server's sentence.
      var page = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
      var said = page.querySelector("[data-refusal]");
      if (said) {
        formFailure(form, said.textContent);
        return;
      }
    }
    formFailure(form, status === 403
      ? "The form has expired (403). Reload the page and submit again."
      : "The server could not take the paste (" + status + "). Try again in a moment.");
  });

  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("#paste-form");
    if (form) formFailure(form, "The paste could not be sent: the connection failed. Try again.");
  });

  // Files dropped on the form go into its file input, which the form posts as if
  // they had been chosen; without script the input takes them as usual.
  function showFiles(input) {
    var list = document.getElementById("dropped-files");
    if (!list) return;
    list.textContent = "";
    Array.prototype.forEach.call(input.files || [], function (file) {
      var item = document.createElement("li");
      item.textContent = file.name;
      list.appendChild(item);
    });
  }

  function dropTarget(event) {
    var form = event.target.closest && event.target.closest("#paste-form");
    return form && event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") !== -1 ? form : null;
  }

  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var form = dropTarget(event);
      if (!form) return;
      event.preventDefault();
      var zone = form.querySelector("#drop-zone");
      if (zone) zone.classList.add("dragging");
    });
  });

  document.addEventListener("dragleave", function (event) {
    var zone = event.target.closest && event.target.closest("#drop-zone");
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("dragging");
  });

  document.addEventListener("drop", function (event) {
    var form = dropTarget(event);
    if (!form) return;
    event.preventDefault();
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector("#drop-zone");
    if (zone) zone.classList.remove("dragging");
    if (!input) return;
    input.files = event.dataTransfer.files;
    showFiles(input);
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("#paste-form input[type=file]")) {
      showFiles(event.target);
    }
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest && event.target.closest("#paste-form");
    if (!form || !event.detail.lengthComputable) return;
    var bar = form.querySelector("#upload-progress");
    var label = form.querySelector("#upload-percent");
    var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
    bar.hidden = false;
    bar.value = percent;
    label.textContent = percent < 100 ? "Uploading… " + percent + "%" : "Analyzing…";
  });
})();
