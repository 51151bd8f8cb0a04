// Progressive enhancement only: every page works without it.
(function () {
  "use strict";
  // The inbox: new appeals appear without a reload.
  var list = document.getElementById("inbox-list");
  if (list && window.EventSource) {
    var es = new EventSource(list.dataset.events);
    var busy = false;
    es.addEventListener("appeal", function () {
      if (busy) return;
      busy = true;
      fetch(location.href, { headers: { "X-Partial": "inbox" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          list.innerHTML = html;
          var live = document.getElementById("live");
          if (live) live.classList.add("on");
        })
        .catch(function () {})
        .finally(function () { busy = false; });
    });
  }
  // Canned answers: choosing one fills the answer in the chosen language.
  var canned = document.getElementById("canned");
  var lang = document.getElementById("canned-lang");
  var answer = document.getElementById("answer-text");
  function fill() {
    var opt = canned.options[canned.selectedIndex];
    if (!opt || !opt.value) return;
    answer.value = opt.dataset[lang.value] || "";
  }
  if (canned && lang && answer) {
    canned.addEventListener("change", fill);
    lang.addEventListener("change", fill);
  }
  // The simulator: late messages (an agency's answer) appear without a reload.
  var chat = document.getElementById("chat");
  if (chat && window.EventSource) {
    var sim = new EventSource(chat.dataset.events);
    sim.addEventListener("message", function () {
      fetch(location.pathname, { headers: { "X-Partial": "simulator" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) { chat.innerHTML = html; chat.scrollTop = chat.scrollHeight; })
        .catch(function () {});
    });
  }
  // A broadcast's progress: refreshed every two seconds while it runs.
  var progress = document.getElementById("progress");
  function refresh() {
    var el = document.getElementById("progress");
    if (!el || !el.dataset.live) return;
    fetch(el.dataset.live, { headers: { "X-Partial": "progress" }, credentials: "same-origin" })
      .then(function (r) {
        // Sent to the login page (her session ended): stop; a reload shows why.
        if (r.redirected) return;
        if (r.ok) return r.text().then(function (html) { el.outerHTML = html; setTimeout(refresh, 2000); });
        setTimeout(refresh, 5000);
      })
      .catch(function () { setTimeout(refresh, 5000); });
  }
  if (progress && progress.dataset.live) setTimeout(refresh, 2000);
})();
