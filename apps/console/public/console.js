// The console's live views, in plain browser JavaScript (no framework, no bundler).
// Every page works without it: it only follows a running deploy's log and a container's events.
"use strict";

(function () {
  /**
   * The page's live-state line (role="status").
   *
   * @param {string} text
   */
  function setState(text) {
    var state = document.querySelector("[data-live-state]");
    if (state) state.textContent = text;
  }

  /**
   * Says what broke, in a role="alert" message next to the live-state line.
   *
   * @param {string} text
   */
  function showAlert(text) {
    var state = document.querySelector("[data-live-state]");
    var alert = document.createElement("p");
    alert.className = "notice notice-alert";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    if (state && state.parentNode) state.parentNode.insertBefore(alert, state.nextSibling);
    else document.body.appendChild(alert);
  }

  /** What the live-state line says while the console is away (a platform deploy restarts it). */
  var RESTARTING = "The console is restarting… the page reloads once it answers again.";

  /** True once the page is being left: its cut streams are then no news. */
  var leaving = false;
  window.addEventListener("pagehide", function () {
    leaving = true;
  });

  /**
   * Reloads the page once the console answers `/health` (asking every 250 ms, for 30 s at
   * most), so it shows where things are now; says the console is restarting while it does
   * not answer, and calls `giveUp` if it never does.
   *
   * @param {() => void} giveUp
   */
  function reloadWhenConsoleAnswers(giveUp) {
    var deadline = Date.now() + 30000;
    function ask() {
      // A failed fetch already counts as "not yet": the chain itself cannot reject.
      void fetch("/health", { cache: "no-store" })
        .then(
          function (response) {
            return response.ok;
          },
          function () {
            return false;
          },
        )
        .then(function (answers) {
          if (leaving) return;
          if (answers) {
            window.location.replace(window.location.pathname);
          } else if (Date.now() < deadline) {
            setState(RESTARTING);
            setTimeout(ask, 250);
          } else {
            giveUp();
          }
        });
    }
    ask();
  }

  /** @param {Element} element */
  function atBottom(element) {
    return element.scrollHeight - element.scrollTop - element.clientHeight < 24;
  }

  /**
   * Appends the deploy log as the console streams it, then reloads once the deploy ended.
   * A platform deploy restarts the console, which cuts the stream: the page then waits for
   * the console to come back and reloads, to follow the log again or show the final status.
   *
   * @param {Element} pre
   * @param {string} url
   */
  function followDeployLog(pre, url) {
    var decoder = new TextDecoder();
    /** @param {string} text */
    function append(text) {
      if (text === "") return;
      var stick = atBottom(pre);
      pre.appendChild(document.createTextNode(text));
      if (stick) pre.scrollTop = pre.scrollHeight;
    }
    fetch(url, { credentials: "same-origin", headers: { accept: "text/plain" } })
      .then(function (response) {
        if (!response.ok || !response.body) throw new HttpError("the console answered " + response.status);
        var reader = response.body.getReader();
        /** @returns {Promise<void>} */
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
      .then(
        function () {
          setState("The deploy ended: showing its final status…");
          reloadWhenConsoleAnswers(gaveUp);
        },
        function (error) {
          if (leaving) return;
          if (error instanceof HttpError) return stopped(error.message);
          setState(RESTARTING);
          reloadWhenConsoleAnswers(gaveUp);
        },
      );
    /** @param {string} reason */
    function stopped(reason) {
      setState("The live log stopped.");
      showAlert("The live log stopped (" + reason + "): reload the page to follow it again.");
    }
    function gaveUp() {
      stopped("the console did not answer for 30 s");
    }
  }

  /** The console answered, but not with the stream: no restart to wait for. */
  class HttpError extends Error {}

  /**
   * One line of the console's event stream.
   *
   * @typedef {{ offset: number, kind: string, summary: string, time?: string }} EventLine
   */

  /**
   * Shows a container's events as `offset type summary` lines, live, over the console's SSE route.
   *
   * @param {Element} list
   * @param {string} url
   */
  function followEvents(list, url) {
    var source = new EventSource(url);
    var wasLive = false;
    source.onopen = function () {
      wasLive = true;
      setState("Live: new events appear below as they happen.");
    };
    source.onmessage = function (message) {
      /** @type {unknown} */
      var data = JSON.parse(String(message.data));
      var line = /** @type {EventLine} */ (data);
      var item = document.createElement("li");
      item.textContent = line.offset + " " + line.kind + " " + line.summary;
      if (line.time) item.title = line.time;
      var stick = atBottom(list);
      list.appendChild(item);
      while (list.children.length > 2000 && list.firstChild) list.removeChild(list.firstChild);
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
    function closed() {
      setState("The event stream closed.");
      showAlert("The event stream closed: reload the page to follow the events again.");
    }
    // A dropped connection (the console restarting, say) reconnects by itself, from the last
    // event shown. A stream that was live and then refused (the console back before
    // core-back, say) is worth one reload once the console answers; one that never opened
    // is a real failure.
    source.onerror = function () {
      if (leaving) return;
      if (source.readyState !== EventSource.CLOSED) {
        setState("Reconnecting to the event stream…");
      } else if (wasLive) {
        setState(RESTARTING);
        reloadWhenConsoleAnswers(closed);
      } else {
        closed();
      }
    };
    window.addEventListener("pagehide", function () {
      source.close();
    });
  }

  // Each selector matches only an element that has the attribute, so it is a string there.
  function start() {
    var log = document.querySelector("pre[data-follow-url]");
    if (log) followDeployLog(log, /** @type {string} */ (log.getAttribute("data-follow-url")));
    var events = document.querySelector("ol[data-events-url]");
    if (events) followEvents(events, /** @type {string} */ (events.getAttribute("data-events-url")));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
