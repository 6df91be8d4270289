// tshoot: copy buttons. No build step; works on content htmx swaps in too.
//  - every <pre class="cli"> gets a "Copy" button that copies its text;
//  - any <button class="copy" data-copy="TEXT"> copies TEXT.
(function () {
  "use strict";

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return fallbackCopy(text);
      });
    }
    return fallbackCopy(text);
  }

  function flash(button, label) {
    var original = button.dataset.label || button.textContent;
    button.dataset.label = original;
    button.textContent = label;
    button.classList.toggle("copied", label === "Copied");
    clearTimeout(button._copyTimer);
    button._copyTimer = setTimeout(function () {
      button.textContent = original;
      button.classList.remove("copied");
    }, 1500);
  }

  function addCopyButtons(root) {
    var blocks = (root || document).querySelectorAll("pre.cli");
    Array.prototype.forEach.call(blocks, function (pre) {
      if (pre.parentNode.classList && pre.parentNode.classList.contains("cli-wrap")) {
        return;
      }
      var wrap = document.createElement("div");
      wrap.className = "cli-wrap";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy to clipboard");
      wrap.appendChild(button);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) {
      return;
    }
    var text = button.getAttribute("data-copy");
    if (text === null) {
      var wrap = button.closest(".cli-wrap");
      var pre = wrap && wrap.querySelector("pre");
      if (!pre) {
        return;
      }
      text = pre.textContent.replace(/\n$/, "");
    }
    event.preventDefault();
    copyText(text).then(
      function () { flash(button, "Copied"); },
      function () { flash(button, "Press Ctrl+C"); }
    );
  });

  // The table of contents comes closed, which suits a phone; where it has a
  // column of its own beside the text it is opened.
  function openWideToc() {
    if (!window.matchMedia || !window.matchMedia("(min-width: 60rem)").matches) {
      return;
    }
    var toc = document.querySelector("nav.toc > details");
    if (toc) {
      toc.open = true;
    }
  }

  function init() {
    addCopyButtons(document);
    openWideToc();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  // Content htmx swaps in (search results, analyzer findings) gets buttons too.
  document.addEventListener("htmx:load", function (event) {
    addCopyButtons(event.target);
  });
})();
