// The helpdesk's small enhancements; every page works without them. No
// inline code: the Content-Security-Policy allows only our own files.
(function () {
  "use strict";

  // The agent's time zone, for the times the server writes (mp_tz).
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && /^[A-Za-z][A-Za-z0-9_+\/-]*$/.test(zone) && document.cookie.indexOf("mp_tz=" + zone) < 0) {
      document.cookie = "mp_tz=" + zone + "; path=/; max-age=31536000; samesite=lax" +
        (location.protocol === "https:" ? "; secure" : "");
    }
  } catch (e) {
    // No Intl: times stay in UTC.
  }

  // A choice that changes the page applies at once; its button is for
  // browsers without this script.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll("[data-hide-with-js]").forEach(function (el) { el.hidden = true; });

  // Live status: the part of a link's page marked data-live is fetched
  // again every few seconds while the tab is visible, so that "opened"
  // and "downloaded" show as they happen.
  var live = document.querySelector("[data-live]");
  if (!live || !window.fetch || !window.DOMParser) {
    return;
  }
  var url = live.getAttribute("data-live");
  var refresh = function () {
    if (document.hidden) {
      return;
    }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (res) {
      return res.ok ? res.text() : null;
    }).then(function (html) {
      if (!html) {
        return;
      }
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(live.id);
      if (fresh && fresh.innerHTML !== live.innerHTML) {
        live.innerHTML = fresh.innerHTML;
      }
    }).catch(function () {
      // The next round tries again.
    });
  };
  setInterval(refresh, 3000);
  document.addEventListener("visibilitychange", refresh);
})();
