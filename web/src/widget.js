// Taai's chat widget: one element on the page, talking to Rasa's socket.io channel.
//
// Safety: every text from the user or the bot is put into the page with
// textContent / createTextNode (see markdown.js); innerHTML is never used.
import { io } from "socket.io-client";
import { renderMarkdown, safeHref } from "./markdown.js";
import { TEXT } from "./text.js";

const SESSION_ID = /^[A-Za-z0-9_-]{16,128}$/;
const FEEDBACK_DELAY_MS = 700;
const TYPING_TIMEOUT_MS = 60000;
const STATUS_CLEAR_MS = 6000;

let counter = 0;

function el(tag, props = {}, children = []) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "className") element.className = value;
    else if (key === "text") element.textContent = value;
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child) element.appendChild(child);
  return element;
}

function newSessionId() {
  const cryptoObj = globalThis.crypto;
  if (cryptoObj && typeof cryptoObj.randomUUID === "function") {
    return cryptoObj.randomUUID().replace(/-/g, "");
  }
  const bytes = new Uint8Array(16);
  cryptoObj.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// localStorage may be blocked (privacy settings); then the id lives for this page only.
const memoryStore = new Map();
const store = {
  get(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (_error) {
      return memoryStore.get(key) ?? null;
    }
  },
  set(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (_error) {
      memoryStore.set(key, value);
    }
  },
};

/** The server's base URL (no trailing slash) from the options or the script's address. */
export function serverBase(explicit, scriptSrc) {
  const candidate = explicit || (scriptSrc && (scriptSrc.match(/^(.*)\/webhooks\/taai\/static\//) || [])[1]);
  const fallback = scriptSrc ? new URL(scriptSrc).origin : window.location.origin;
  const href = safeHref(candidate || fallback, window.location.href) || window.location.origin;
  return href.replace(/\/+$/, "");
}

export class TaaiWidget {
  constructor(host, options = {}) {
    this.host = host;
    const data = host.dataset;
    this.id = `taai-${++counter}`;
    this.base = serverBase(options.server ?? data.server, options.scriptSrc);
    this.title = options.title ?? data.title ?? TEXT.title;
    this.intro = options.intro ?? data.intro ?? TEXT.intro;
    this.theme = options.theme ?? data.theme ?? "voorbeeld-theme";
    const level = Number(options.headingLevel ?? data.headingLevel ?? 2);
    this.headingLevel = Number.isInteger(level) && level >= 1 && level <= 5 ? level : 2;
    this.storageKey = `taai.session:${this.base}`;
    this.sessionId = this.loadSessionId();

    this.botCount = 0; // bot messages shown so far (history included): feedback index
    this.rendered = 0; // messages shown so far (user and bot), to merge history
    this.ready = false; // session confirmed on the current connection
    this.everConnected = false;
    this.dropped = false;
    this.outbox = []; // [{message, element}] typed while not connected
    this.inFlight = []; // user messages sent right after session_confirm, before the history
    this.turn = null; // {first, last, lastIndex} bot messages of the current answer
    this.feedbackTimer = null;
    this.typingTimer = null;
    this.statusTimer = null;

    this.build();
    this.connect();
  }

  loadSessionId() {
    const stored = store.get(this.storageKey);
    if (stored && SESSION_ID.test(stored)) return stored;
    const fresh = newSessionId();
    store.set(this.storageKey, fresh);
    return fresh;
  }

  // ----- DOM -----------------------------------------------------------------

  build() {
    const ids = {
      title: `${this.id}-title`,
      input: `${this.id}-input`,
      intro: `${this.id}-intro`,
    };
    this.titleEl = el("h" + this.headingLevel, {
      className: `taai__title utrecht-heading-${this.headingLevel}`,
      id: ids.title,
      text: this.title,
    });
    this.restartButton = el("button", {
      type: "button",
      className: "utrecht-button utrecht-button--secondary-action taai__restart",
      text: TEXT.newConversation,
    });
    this.restartButton.addEventListener("click", () => this.restart());
    this.log = el("div", {
      className: "taai__log",
      role: "log",
      "aria-live": "polite",
      "aria-label": TEXT.logLabel,
      tabindex: "0",
    });
    this.typingEl = el("div", { className: "taai__typing", role: "status" });
    this.statusEl = el("p", { className: "taai__status", role: "status" });
    this.input = el("input", {
      className: "utrecht-textbox utrecht-textbox--html-input taai__input",
      id: ids.input,
      type: "text",
      name: "message",
      autocomplete: "off",
      enterkeyhint: "send",
    });
    this.sendButton = el("button", {
      type: "submit",
      className: "utrecht-button utrecht-button--primary-action taai__send",
      text: TEXT.send,
    });
    this.form = el("form", { className: "taai__form", novalidate: true }, [
      el("label", { className: "utrecht-form-label taai__label", for: ids.input, text: TEXT.inputLabel }),
      el("div", { className: "taai__compose" }, [this.input, this.sendButton]),
    ]);
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const message = this.input.value;
      if (!message.trim()) {
        this.setStatus(TEXT.empty, "info", true);
        this.input.focus();
        return;
      }
      this.input.value = "";
      this.send(message, message);
    });

    const themeClasses = this.theme.split(/\s+/).filter((name) => /^[A-Za-z_][\w-]*$/.test(name));
    this.root = el("section", {
      className: ["taai", ...themeClasses].join(" "),
      "aria-labelledby": ids.title,
      lang: "nl",
      "data-state": "connecting",
    }, [
      el("div", { className: "taai__header" }, [this.titleEl, this.restartButton]),
      this.intro ? el("p", { className: "utrecht-paragraph taai__intro", id: ids.intro, text: this.intro }) : null,
      this.log,
      this.typingEl,
      this.statusEl,
      this.form,
    ]);
    this.host.replaceChildren(this.root);
  }

  setState(state) {
    this.root.dataset.state = state;
  }

  setStatus(text, kind = "info", transient = false) {
    clearTimeout(this.statusTimer);
    this.statusEl.textContent = text || "";
    this.statusEl.dataset.kind = text ? kind : "";
    if (text && transient) {
      this.statusTimer = setTimeout(() => this.setStatus(""), STATUS_CLEAR_MS);
    }
  }

  showTyping() {
    clearTimeout(this.typingTimer);
    if (!this.typingEl.firstChild) {
      const dots = el("span", { className: "taai__dots", "aria-hidden": "true" }, [
        el("span"), el("span"), el("span"),
      ]);
      this.typingEl.append(dots, el("span", { className: "taai__typing-text", text: TEXT.typing }));
    }
    this.typingTimer = setTimeout(() => {
      this.hideTyping();
      this.setStatus(TEXT.noAnswer, "warning", true);
    }, TYPING_TIMEOUT_MS);
  }

  hideTyping() {
    clearTimeout(this.typingTimer);
    this.typingEl.replaceChildren();
  }

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  // Shows the start of the current answer: long answers are read from the top.
  scrollToTurn() {
    const first = this.turn && this.turn.first;
    if (!first) return this.scrollToEnd();
    const target = first.offsetTop - this.log.offsetTop - 8;
    this.log.scrollTop = Math.min(Math.max(0, target), this.log.scrollHeight);
    return undefined;
  }

  message(sender) {
    const bot = sender === "bot";
    const bubble = el("div", { className: "taai__bubble" });
    const wrapper = el("div", { className: `taai__message taai__message--${bot ? "bot" : "user"}` }, [
      el("p", { className: "taai__sender", text: bot ? TEXT.bot : TEXT.you }),
      bubble,
    ]);
    return { wrapper, bubble };
  }

  addUserMessage(text, before = null) {
    const { wrapper, bubble } = this.message("user");
    bubble.textContent = text;
    this.log.insertBefore(wrapper, before);
    this.rendered += 1;
    return wrapper;
  }

  /** Renders one bot message; returns its element. */
  addBotMessage(payload, { withReplies = true, before = null } = {}) {
    const index = this.botCount;
    this.botCount += 1;
    this.rendered += 1;
    const { wrapper, bubble } = this.message("bot");
    wrapper.dataset.index = String(index);
    const text = typeof payload.text === "string" ? payload.text : "";
    if (text.trim()) {
      bubble.appendChild(renderMarkdown(text, document, { headingLevel: this.headingLevel + 1 }));
    }
    const attachment = payload.attachment;
    if (attachment && attachment.type === "image" && attachment.payload) {
      const href = safeHref(attachment.payload.src);
      if (href) {
        const link = el("a", { className: "utrecht-link taai__link", href, target: "_blank", rel: "noopener noreferrer" });
        link.append(TEXT.image, el("span", { className: "taai__visually-hidden", text: TEXT.newTab }));
        bubble.appendChild(el("p", { className: "utrecht-paragraph taai__paragraph" }, [link]));
      }
    }
    const custom = customOf(payload);
    if (custom && custom.taai_plan) {
      const plan = this.planArea(custom.taai_plan);
      if (plan) bubble.appendChild(plan);
    }
    const buttons = buttonsOf(payload);
    if (withReplies && buttons.length) {
      bubble.appendChild(this.replyButtons(buttons));
    }
    if (!bubble.childNodes.length) {
      // Nothing we can show (an unknown custom payload): keep the index, show nothing.
      wrapper.hidden = true;
    } else {
      wrapper.dataset.answer = "true";
    }
    this.log.insertBefore(wrapper, before);
    return wrapper;
  }

  replyButtons(buttons) {
    const group = el("div", { className: "taai__replies", role: "group", "aria-label": TEXT.repliesLabel });
    for (const button of buttons) {
      const element = el("button", {
        type: "button",
        className: "utrecht-button utrecht-button--secondary-action taai__reply",
        text: button.title,
      });
      element.addEventListener("click", () => {
        this.send(button.payload, button.title);
        this.input.focus();
      });
      group.appendChild(element);
    }
    return group;
  }

  resolve(path) {
    if (typeof path !== "string" || !path) return null;
    if (path.startsWith("/") && !path.startsWith("//")) return safeHref(this.base + path);
    return safeHref(path, this.base + "/");
  }

  planArea(plan) {
    const html = this.resolve(plan.html);
    const docx = this.resolve(plan.docx);
    if (!html && !docx) return null;
    const list = el("ul", { className: "utrecht-unordered-list taai__plan-links" });
    const addLink = (href, label, newTab) => {
      if (!href) return;
      const link = el("a", { className: "utrecht-link taai__link", href });
      link.textContent = label;
      if (newTab) {
        link.target = "_blank";
        link.rel = "noopener";
        link.appendChild(el("span", { className: "taai__visually-hidden", text: TEXT.newTab }));
      } else {
        link.setAttribute("download", "");
      }
      list.appendChild(el("li", { className: "utrecht-unordered-list__item" }, [link]));
    };
    addLink(html, TEXT.planHtml, true);
    addLink(docx, TEXT.planDocx, false);
    const level = Math.min(6, this.headingLevel + 1);
    return el("div", { className: "taai__plan" }, [
      el("h" + level, { className: `taai__plan-title utrecht-heading-${level}`, text: TEXT.planTitle }),
      el("p", { className: "utrecht-paragraph taai__paragraph", text: TEXT.planIntro }),
      list,
    ]);
  }

  removeReplies() {
    for (const group of this.log.querySelectorAll(".taai__replies")) group.remove();
  }

  // ----- feedback ----------------------------------------------------------------

  noteBotAnswer(wrapper) {
    if (wrapper.hidden) return;
    const index = Number(wrapper.dataset.index);
    if (!this.turn) this.turn = { first: wrapper, last: wrapper, lastIndex: index };
    this.turn.last = wrapper;
    this.turn.lastIndex = index;
    clearTimeout(this.feedbackTimer);
    this.feedbackTimer = setTimeout(() => this.closeTurn(), FEEDBACK_DELAY_MS);
  }

  // The answer is complete: its last message gets the feedback control.
  closeTurn() {
    clearTimeout(this.feedbackTimer);
    if (this.turn && this.turn.last) this.addFeedback(this.turn.last, this.turn.lastIndex);
    this.turn = null;
  }

  addFeedback(wrapper, index) {
    if (wrapper.querySelector(".taai__feedback")) return;
    const questionId = `${this.id}-feedback-${index}`;
    const group = el("div", { className: "taai__feedback", role: "group", "aria-labelledby": questionId });
    const question = el("span", { className: "taai__feedback-question", id: questionId, text: TEXT.feedbackQuestion });
    const make = (label, helpful) => {
      const button = el("button", {
        type: "button",
        className: "utrecht-button utrecht-button--secondary-action taai__feedback-button",
        text: label,
      });
      button.addEventListener("click", () => this.sendFeedback(group, index, helpful));
      return button;
    };
    group.append(question, make(TEXT.helpful, true), make(TEXT.notHelpful, false));
    wrapper.appendChild(group);
  }

  async sendFeedback(group, index, helpful) {
    if (group.dataset.busy) return;
    group.dataset.busy = "true";
    const hadFocus = group.contains(document.activeElement);
    let ok = false;
    try {
      const response = await fetch(`${this.base}/webhooks/taai/feedback`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ session_id: this.sessionId, message_index: index, helpful }),
      });
      ok = response.ok;
    } catch (_error) {
      ok = false;
    }
    delete group.dataset.busy;
    if (ok) {
      const thanks = el("p", { className: "taai__feedback-thanks", tabindex: "-1", text: TEXT.feedbackThanks });
      group.replaceWith(thanks);
      if (hadFocus) thanks.focus();
    } else {
      let error = group.querySelector(".taai__feedback-error");
      if (!error) {
        error = el("span", { className: "taai__feedback-error" });
        group.appendChild(error);
      }
      error.textContent = TEXT.feedbackFailed;
    }
  }

  // ----- conversation ------------------------------------------------------------

  send(message, display) {
    this.closeTurn();
    this.removeReplies();
    const element = this.addUserMessage(display);
    this.scrollToEnd();
    if (this.ready) {
      this.emitMessage(message);
    } else {
      this.outbox.push({ message, element });
      this.setStatus(TEXT.queued, "warning");
    }
    this.showTyping();
  }

  emitMessage(message) {
    this.socket.emit("user_uttered", { message, session_id: this.sessionId });
  }

  onBotMessage(payload) {
    if (!payload || typeof payload !== "object") return;
    this.hideTyping();
    const wrapper = this.addBotMessage(payload);
    this.noteBotAnswer(wrapper);
    this.scrollToTurn();
  }

  onHistory(data) {
    const messages = Array.isArray(data && data.messages) ? data.messages : [];
    // The page may already show part of the conversation (after a reconnect): add only
    // what is new, before the messages sent after the server read this history.
    const pending = this.inFlight.filter((element) => element.isConnected);
    this.inFlight = [];
    const fresh = messages.slice(Math.max(0, this.rendered - pending.length));
    if (!fresh.length) return;
    const firstLoad = this.rendered - pending.length === 0;
    const before = pending.length ? pending[0] : null;
    // A replayed conversation is not read aloud message by message.
    this.log.setAttribute("aria-live", "off");
    let previousBot = null;
    let lastAnswer = null;
    fresh.forEach((message, position) => {
      const isLast = position === fresh.length - 1;
      if (message && message.sender === "user") {
        if (lastAnswer) this.addFeedback(lastAnswer, Number(lastAnswer.dataset.index));
        lastAnswer = null;
        this.addUserMessage(titleForPayload(String(message.text ?? ""), previousBot), before);
        previousBot = null;
      } else if (message && message.sender === "bot") {
        const wrapper = this.addBotMessage(message, { withReplies: isLast && !before, before });
        previousBot = message;
        if (!wrapper.hidden) lastAnswer = wrapper;
      }
    });
    if (lastAnswer) this.addFeedback(lastAnswer, Number(lastAnswer.dataset.index));
    this.scrollToEnd();
    setTimeout(() => this.log.setAttribute("aria-live", "polite"), 500);
    if (firstLoad) this.setStatus(TEXT.historyRestored, "info", true);
  }

  connect() {
    const base = new URL(this.base);
    const prefix = base.pathname.replace(/\/+$/, "");
    this.socket = io(base.origin, {
      path: `${prefix}/socket.io`,
      transports: ["websocket"],
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
    });
    this.setStatus(TEXT.connecting);
    this.socket.on("connect", () => {
      this.socket.emit("session_request", { session_id: this.sessionId });
    });
    this.socket.on("session_confirm", (confirmed) => {
      // The server may replace an id it does not accept; use the one it confirms.
      const id = typeof confirmed === "string" ? confirmed : confirmed && confirmed.session_id;
      if (typeof id === "string" && SESSION_ID.test(id) && id !== this.sessionId) {
        this.sessionId = id;
        store.set(this.storageKey, id);
      }
      this.ready = true;
      this.setState("ready");
      if (this.dropped) {
        this.setStatus(TEXT.reconnected, "success", true);
      } else if (this.statusEl.textContent === TEXT.connecting || this.statusEl.textContent === TEXT.connectFailed) {
        this.setStatus("");
      }
      this.dropped = false;
      this.everConnected = true;
      const waiting = this.outbox.splice(0);
      this.inFlight = waiting.map((entry) => entry.element);
      for (const entry of waiting) this.emitMessage(entry.message);
      if (waiting.length && this.statusEl.textContent === TEXT.queued) this.setStatus("");
    });
    this.socket.on("taai_history", (data) => this.onHistory(data));
    this.socket.on("bot_uttered", (payload) => this.onBotMessage(payload));
    this.socket.on("disconnect", (reason) => {
      this.ready = false;
      if (reason === "io client disconnect") return;
      this.dropped = true;
      this.setState("offline");
      this.hideTyping();
      this.setStatus(TEXT.disconnected, "warning");
      // The server closed the connection on purpose: socket.io does not retry then.
      if (reason === "io server disconnect") this.socket.connect();
    });
    this.socket.on("connect_error", () => {
      if (!this.everConnected) {
        this.setState("offline");
        this.setStatus(TEXT.connectFailed, "warning");
      }
    });
  }

  /** Starts a new conversation: new session id, empty log. */
  restart() {
    this.closeTurn();
    this.hideTyping();
    this.sessionId = newSessionId();
    store.set(this.storageKey, this.sessionId);
    this.log.replaceChildren();
    this.botCount = 0;
    this.rendered = 0;
    this.outbox = [];
    this.inFlight = [];
    this.ready = false;
    this.setState("connecting");
    this.socket.disconnect();
    this.socket.connect();
    this.setStatus(TEXT.newStarted, "info", true);
    this.input.focus();
  }

  destroy() {
    clearTimeout(this.feedbackTimer);
    clearTimeout(this.typingTimer);
    clearTimeout(this.statusTimer);
    this.socket.disconnect();
    this.host.replaceChildren();
  }
}

function customOf(payload) {
  if (payload.custom && typeof payload.custom === "object") return payload.custom;
  // Rasa's socket.io channel emits a custom payload as the event data itself.
  if (payload.taai_plan) return payload;
  return null;
}

function buttonsOf(payload) {
  const raw = Array.isArray(payload.quick_replies) && payload.quick_replies.length
    ? payload.quick_replies
    : Array.isArray(payload.buttons) ? payload.buttons : [];
  return raw
    .filter((b) => b && typeof b.title === "string" && b.title.trim())
    .map((b) => ({ title: b.title, payload: typeof b.payload === "string" && b.payload ? b.payload : b.title }));
}

// In a replayed conversation a button click is stored as its payload ("/affirm"):
// show the button's title instead, as the live widget did.
function titleForPayload(text, previousBot) {
  if (previousBot && text.startsWith("/")) {
    const match = buttonsOf(previousBot).find((b) => b.payload === text);
    if (match) return match.title;
  }
  return text;
}
