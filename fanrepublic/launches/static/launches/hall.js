// The live hall: keeps the question card, the counts and the hall's avatars current.
// State arrives over a WebSocket (a full state on connecting and after each host action,
// counts once a second); if the socket cannot be kept, /live.json is polled each second.
// Answers go over HTTP with the member's hall pass. Without JavaScript the page still
// works: the server-rendered form posts the answer and the page shows the counts.
(function () {
  "use strict";
  var root = document.getElementById("hall");
  if (!root) return;
  var strings = JSON.parse(document.getElementById("hall-strings").textContent);
  var state = JSON.parse(document.getElementById("hall-state").textContent);
  var lang = root.dataset.lang;
  var hallPass = root.dataset.pass;
  var myChoice = root.dataset.myChoice ? parseInt(root.dataset.myChoice, 10) : null;
  var myQuestion = state.current ? state.current.id : null;
  var card = document.getElementById("question-card");
  var statusLine = document.getElementById("live-status");
  var errorBox = document.getElementById("cast-error");
  var grid = document.getElementById("hall-grid");
  var attendees = document.querySelector("[data-testid=attendees]");
  var eventBadge = document.querySelector("[data-testid=event-status]");
  var socket = null, pollTimer = null, retries = 0, sending = false;

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function answersText(n) {
    return fmt(n === 1 ? strings.answers_one : strings.answers_many, { n: n });
  }

  function render() {
    var q = state.current;
    card.textContent = "";
    if (!q) {
      card.appendChild(el("h2", { id: "question-prompt", "data-testid": "question-prompt", text: strings.no_question }));
      card.appendChild(el("p", { class: "muted", text: strings.no_question_help }));
      return;
    }
    if (q.id !== myQuestion) { myQuestion = q.id; myChoice = null; }
    var total = state.total || 0;
    card.appendChild(el("h2", { id: "question-prompt", "data-testid": "question-prompt", text: q.prompt[lang] }));
    card.appendChild(el("p", { class: "small" }, [
      el("span", { class: "badge status-" + q.status, "data-testid": "question-status", text: strings["status_" + q.status] }),
      document.createTextNode(" "),
      el("span", { "data-testid": "question-total", text: answersText(total) }),
    ]));
    if (q.status === "open" && hallPass && myChoice === null) {
      var row = el("div", { class: "row answer-buttons" });
      q.options.forEach(function (o) {
        var button = el("button", { type: "button", "data-testid": "answer", "data-option": o.id, text: o.label[lang] });
        button.addEventListener("click", function () { cast(q.id, o.id, button); });
        row.appendChild(button);
      });
      card.appendChild(row);
    }
    var list = el("ul", { class: "plain live-results", "data-testid": "live-results" });
    q.options.forEach(function (o) {
      var n = state.counts[String(o.id)] || 0;
      var label = el("span", { class: "label", text: o.label[lang] });
      if (o.id === myChoice) {
        label.appendChild(document.createTextNode(" "));
        label.appendChild(el("span", { class: "badge", text: strings.your_answer }));
      }
      list.appendChild(el("li", o.id === myChoice ? { "data-option": o.id, class: "mine" } : { "data-option": o.id }, [
        label,
        el("progress", { max: total || 1, value: n, "aria-label": o.label[lang] }),
        el("span", { class: "num", "data-testid": "option-count", text: String(n) }),
        document.createTextNode(" "),
        el("span", { class: "small muted", text: (total ? Math.round((100 * n) / total) : 0) + "%" }),
      ]));
    });
    card.appendChild(list);
  }

  function updateCounts(message) {
    if (!state.current || message.question !== state.current.id) return;
    state.counts = message.counts;
    state.total = message.total;
    var total = message.total || 0;
    card.querySelectorAll(".live-results li").forEach(function (li) {
      var n = message.counts[li.dataset.option] || 0;
      li.querySelector("progress").max = total || 1;
      li.querySelector("progress").value = n;
      li.querySelector(".num").textContent = String(n);
      li.querySelector(".muted").textContent = (total ? Math.round((100 * n) / total) : 0) + "%";
    });
    var totalNode = card.querySelector("[data-testid=question-total]");
    if (totalNode) totalNode.textContent = answersText(total);
  }

  function addArrivals(list) {
    if (!list || !list.length) return;
    var empty = document.getElementById("hall-empty");
    if (empty) empty.remove();
    list.slice().reverse().forEach(function (a) {
      if (grid.querySelector('[data-member="' + a.id + '"]')) return;
      var item = el("li", { title: a.name, "data-member": a.id });
      // The avatar markup is the server's own SVG (built from fixed shapes and escaped text).
      var holder = new DOMParser().parseFromString(a.svg, "image/svg+xml").documentElement;
      if (holder.nodeName !== "svg") return;  // not well-formed: leave it out
      item.appendChild(document.importNode(holder, true));
      item.appendChild(el("span", { class: "small", text: a.name }));
      grid.insertBefore(item, grid.firstChild);
    });
    while (grid.children.length > 120) grid.removeChild(grid.lastChild);
  }

  function stamp(at, polling) {
    var time = new Date(at || Date.now()).toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB");
    statusLine.textContent = fmt(polling ? strings.polling : strings.live, { time: time });
    root.classList.add("is-live");
  }

  function receive(message, polling) {
    if (message.type === "state") {
      var before = state.current;
      state = message;
      render();
      var now = state.current;
      if (now && (!before || before.id !== now.id || before.status !== now.status)) {
        var text = now.status === "closed" ? strings.announce_closed : strings.announce_open;
        document.getElementById("hall-announce").textContent = fmt(text, { prompt: now.prompt[lang] });
      }
    } else if (message.type === "tick") {
      if (message.question && (!state.current || message.question !== state.current.id)) {
        refresh();  // a host action's push did not arrive: catch up once
      }
      updateCounts(message);
      addArrivals(message.arrivals);
    }
    if (message.status && eventBadge && message.status !== eventBadge.dataset.status) {
      window.location.reload();  // the event started or ended: the page around the hall changes
    }
    if (attendees && typeof message.attendees === "number") {
      attendees.textContent = fmt(message.attendees === 1 ? strings.members_one : strings.members_many, { n: message.attendees });
    }
    stamp(message.at, polling);
  }

  function cast(questionId, optionId, button) {
    if (sending) return;
    sending = true;
    errorBox.hidden = true;
    button.setAttribute("aria-busy", "true");
    // data-cast is the address for question 0, option 0: .../questions/0/answer/0
    var url = root.dataset.cast.replace(/\/0\/answer\/0$/, "/" + questionId + "/answer/" + optionId);
    fetch(url, { method: "POST", headers: { "X-Hall-Pass": hallPass }, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        // The host may have moved on while the answer travelled: leave the new question be.
        if (!state.current || state.current.id !== questionId) return;
        if (result.data.error && result.data.error.code === "already_voted") {
          myChoice = -1;  // answered before (elsewhere): which option is not known here
          render();
        } else if (result.ok) {
          myChoice = optionId;
          state.counts[String(optionId)] = (state.counts[String(optionId)] || 0) + 1;
          state.total = (state.total || 0) + 1;
          render();
        }
        if (!result.ok) { errorBox.textContent = result.data.error.message; errorBox.hidden = false; }
      })
      .catch(function () { errorBox.textContent = strings.offline; errorBox.hidden = false; })
      .then(function () { sending = false; button.removeAttribute("aria-busy"); });
  }

  var refreshing = false;
  function refresh() {
    if (refreshing) return;
    refreshing = true;
    fetch(root.dataset.live, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (message) { receive(message, false); })
      .catch(function () {})
      .then(function () { refreshing = false; });
  }

  function poll() {
    if (pollTimer) return;
    pollTimer = window.setInterval(function () {
      fetch(root.dataset.live, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (message) {
          var changed = !state.current || !message.current || message.current.id !== state.current.id ||
            message.current.status !== state.current.status;
          if (changed) receive(message, true);
          else { updateCounts(message); receive({ type: "poll", attendees: message.attendees, at: message.at }, true); }
        })
        .catch(function () { statusLine.textContent = strings.reconnecting; });
    }, 1000);
  }

  function connect() {
    if (!("WebSocket" in window)) { poll(); return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + root.dataset.ws);
    socket.onopen = function () { retries = 0; if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; } };
    socket.onmessage = function (event) { receive(JSON.parse(event.data), false); };
    socket.onclose = function () {
      root.classList.remove("is-live");
      statusLine.textContent = strings.reconnecting;
      retries += 1;
      if (retries >= 3) poll();  // keep the counts moving while the socket is away
      // Random spread, so a restarted server is not met by every page at the same instant.
      var wait = Math.min(10000, 500 * Math.pow(2, retries));
      window.setTimeout(connect, wait / 2 + Math.random() * wait);
    };
  }

  // The no-JavaScript form gives way to buttons that answer without reloading.
  if (state.current) render();
  connect();
})();
