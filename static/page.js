// Small progressive enhancements of the review page; it works without
// them. No inline code: the Content-Security-Policy allows only this file.
(function () {
  "use strict";

  // iPadOS 13 and later send a Mac User-Agent. A Mac has no touch screen,
  // so touch points tell an iPad apart: show the iPad steps, with their
  // own download, instead of the Mac's steps and download.
  var mac = document.querySelector("[data-mac-steps]");
  var ipad = document.querySelector("[data-ipad-steps]");
  if (mac && ipad && navigator.maxTouchPoints > 1) {
    ipad.hidden = false;
    mac.hidden = true;
    document.querySelectorAll("[data-mac-only]").forEach(function (el) {
      el.hidden = true;
    });
  }

  // Copy buttons: copy the linked field's text and say so.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-status"));
    if (!field) {
      return;
    }
    button.hidden = false;
    var copied = function () {
      if (status) {
        status.textContent = button.getAttribute("data-copied");
      }
    };
    var fallback = function () {
      field.focus();
      field.select();
      try {
        if (document.execCommand("copy")) {
          copied();
        }
      } catch (e) {
        // The text stays selected for the visitor to copy.
      }
    };
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(copied, fallback);
      } else {
        fallback();
      }
    });
  });
})();
