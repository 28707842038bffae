// The console's live views, in plain browser JavaScript (no framework, no bundler).
// Every page works without it: it only follows a running deploy's log and a container's events.
"use strict";

(function () {
  /** The page's live-state line (role="status"). */
  function setState(text) {
    var state = document.querySelector("[data-live-state]");
    if (state) state.textContent = text;
  }

  /** Says what broke, in a role="alert" message next to the live-state line. */
  function showAlert(text) {
    var state = document.querySelector("[data-live-state]");
    var alert = document.createElement("p");
    alert.className = "notice notice-alert";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    if (state && state.parentNode) state.parentNode.insertBefore(alert, state.nextSibling);
    else document.body.appendChild(alert);
  }

  function atBottom(element) {
    return element.scrollHeight - element.scrollTop - element.clientHeight < 24;
  }

  /** Appends the deploy log as the console streams it, then reloads once the deploy ended. */
  function followDeployLog(pre) {
    var url = pre.getAttribute("data-follow-url");
    var decoder = new TextDecoder();
    function append(text) {
      if (text === "") return;
      var stick = atBottom(pre);
      pre.appendChild(document.createTextNode(text));
      if (stick) pre.scrollTop = pre.scrollHeight;
    }
    fetch(url, { credentials: "same-origin", headers: { accept: "text/plain" } })
      .then(function (response) {
        if (!response.ok || !response.body) throw new Error("the console answered " + response.status);
        var reader = response.body.getReader();
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) {
              append(decoder.decode());
              return;
            }
            append(decoder.decode(chunk.value, { stream: true }));
            return pump();
          });
        }
        return pump();
      })
      .then(function () {
        setState("The deploy ended: showing its final status…");
        window.location.replace(window.location.pathname);
      })
      .catch(function (error) {
        setState("The live log stopped.");
        showAlert("The live log stopped (" + error.message + "): reload the page to follow it again.");
      });
  }

  /** Shows a container's events as `offset type summary` lines, live, over the console's SSE route. */
  function followEvents(list) {
    var source = new EventSource(list.getAttribute("data-events-url"));
    source.onopen = function () {
      setState("Live: new events appear below as they happen.");
    };
    source.onmessage = function (message) {
      var line = JSON.parse(message.data);
      var item = document.createElement("li");
      item.textContent = line.offset + " " + line.kind + " " + line.summary;
      if (line.time) item.title = line.time;
      var stick = atBottom(list);
      list.appendChild(item);
      while (list.children.length > 2000) list.removeChild(list.firstChild);
      if (stick) list.scrollTop = list.scrollHeight;
    };
    source.addEventListener("end", function () {
      source.close();
      setState("The container stopped: there will be no more events.");
    });
    source.addEventListener("failure", function (message) {
      source.close();
      setState("The event stream stopped.");
      showAlert("The event stream stopped: " + message.data);
    });
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        setState("The event stream closed.");
        showAlert("The event stream closed: reload the page to follow the events again.");
      } else {
        setState("Reconnecting to the event stream…");
      }
    };
    window.addEventListener("pagehide", function () {
      source.close();
    });
  }

  function start() {
    var log = document.querySelector("pre[data-follow-url]");
    if (log) followDeployLog(log);
    var events = document.querySelector("ol[data-events-url]");
    if (events) followEvents(events);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
