// Times in the reader's terms. Pages are kept whole in caches for minutes, and their
// parts for longer, so the server writes only what stays true: the exact moment in
// <time datetime> and title, and the date (listings) or an exact time ("Updated", live
// blogs). Here, in the newsroom's zone (<html data-time-zone>):
//   <time data-day>       today's stories show the time of day ("14:05"), others the date;
//   <time data-relative>  "just now", "2 min ago", "3 h ago" within a day, else the time.
// Kept current every 30 seconds and whenever a script dispatches "times:refresh" on the
// document (static/js/liveblog.js, after inserting updates).
(function () {
  "use strict";
  var zone = document.documentElement.dataset.timeZone;
  if (!zone || !window.Intl || !Intl.DateTimeFormat) return;
  var day, clock, longDay, zoneName;
  try {
    day = new Intl.DateTimeFormat("en-GB", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
    clock = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    longDay = new Intl.DateTimeFormat("en-GB", { timeZone: zone, day: "numeric", month: "long", year: "numeric" });
    zoneName = new Intl.DateTimeFormat("en-GB", { timeZone: zone, timeZoneName: "short" });
  } catch (error) {
    return;  // an unknown zone: the server's text stays
  }

  function exact(moment) {
    var name = zoneName.formatToParts(moment).filter(function (part) {
      return part.type === "timeZoneName";
    });
    return longDay.format(moment) + ", " + clock.format(moment) + (name.length ? " " + name[0].value : "");
  }

  function show(time, text) {
    if (time.dataset.fallback === undefined) time.dataset.fallback = time.textContent;
    if (time.textContent !== text) time.textContent = text;
  }

  function relative(moment, now) {
    var minutes = Math.floor((now - moment) / 60000);
    if (minutes < -1 || minutes >= 24 * 60) return null;
    if (minutes < 1) return "just now";
    if (minutes < 60) return minutes + " min ago";
    return Math.floor(minutes / 60) + " h ago";
  }

  function refresh() {
    var now = new Date();
    var today = day.format(now);
    document.querySelectorAll("time[data-day], time[data-relative]").forEach(function (time) {
      var moment = new Date(time.getAttribute("datetime"));
      if (isNaN(moment)) return;
      var fallback = time.dataset.fallback === undefined ? time.textContent : time.dataset.fallback;
      var text;
      if (time.hasAttribute("data-day")) {
        text = day.format(moment) === today ? clock.format(moment) : fallback;
      } else {
        text = relative(moment, now) || fallback;
      }
      show(time, text);
      var title = exact(moment);
      if (time.title !== title) time.title = title;
    });
  }

  refresh();
  setInterval(refresh, 30000);
  document.addEventListener("times:refresh", refresh);
})();
