// The blender-mcp console (docs/console.md). Every value that came from the server, a client
// or the bus is put on the page with textContent (el() below): nothing is parsed as HTML.
"use strict";

const state = {
  me: null,
  csrf: "",
  events: null,
  clients: { persistent: [], ephemeral: [] },
  jobs: new Map(),
  expanded: new Set(),
  tail: [],
  tailPaused: false,
  tailWaiting: [],
  images: [],
};

const TAIL_LIMIT = 200;

function $(id) { return document.getElementById(id); }

// An element with text children only: strings become text nodes, never markup.
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "on") for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function clear(node) { node.replaceChildren(); }

function when(seconds) {
  if (!seconds) return "";
  return new Date(seconds * 1000).toLocaleString();
}

function duration(seconds) {
  if (seconds < 1) return Math.round(seconds * 1000) + " ms";
  if (seconds < 120) return seconds.toFixed(1) + " s";
  return Math.round(seconds / 60) + " min";
}

async function api(method, path, body) {
  const headers = {};
  if (method !== "GET") headers["X-CSRF-Token"] = state.csrf;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await response.json(); } catch (_) { data = null; }
  if (!response.ok) {
    const detail = data && typeof data.detail === "string" ? data.detail : response.statusText;
    const error = new Error(detail);
    error.status = response.status;
    throw error;
  }
  return data;
}

// --- pages ------------------------------------------------------------------------------------

function showPage(name) {
  if (!state.me) name = "signin";
  if (name === "admin" && !state.me.admin) name = "clients";
  for (const page of document.querySelectorAll(".page")) page.hidden = page.id !== "page-" + name;
  for (const link of document.querySelectorAll("nav a")) link.classList.toggle("current", link.dataset.page === name);
  if (name === "admin") loadAdmin();
}

function route() { showPage((location.hash || "#clients").slice(1)); }

function signedIn(me) {
  state.me = me;
  state.csrf = me.csrf_token;
  $("nav").hidden = false;
  $("who").hidden = false;
  $("who-name").textContent = me.username + (me.admin ? " (admin)" : "");
  // Non-admins get no admin page at all: the link and the section are removed.
  if (!me.admin) {
    for (const id of ["admin-link", "page-admin"]) {
      const node = $(id);
      if (node) node.remove();
    }
  } else if ($("admin-link")) {
    $("admin-link").hidden = false;
  }
  openEvents();
  route();
}

function signedOut() {
  if (state.events) state.events.close();
  state.events = null;
  state.me = null;
  state.csrf = "";
  $("nav").hidden = true;
  $("who").hidden = true;
  showPage("signin");
}

async function signIn(event) {
  event.preventDefault();
  $("signin-error").textContent = "";
  try {
    const me = await api("POST", "/console/api/login", {
      username: $("signin-username").value, password: $("signin-password").value,
    });
    $("signin-password").value = "";
    signedIn(me);
  } catch (error) {
    $("signin-error").textContent = error.message;
  }
}

// Why a sign-in through the authorization server sent the browser back here unsigned in
// (/console?signin_error=<word>, from GET /console/oauth/callback).
const SIGN_ON_ERRORS = {
  bad_state: "That sign-in through the authorization server could not be checked (it expired, or was started in another browser). Start again.",
  denied: "The authorization server did not let you in: access was refused.",
  refused: "The authorization server refused the sign-in. Start again.",
  invalid_code: "That sign-in was already used or has expired. Start again.",
  account_gone: "Your account no longer exists.",
  unavailable: "Signing in through the authorization server is unavailable right now; try again shortly or use your password.",
};

function showSignOnError() {
  const params = new URLSearchParams(location.search);
  const word = params.get("signin_error");
  if (word === null) return;
  $("signin-error").textContent = SIGN_ON_ERRORS[word] || SIGN_ON_ERRORS.refused;
  // Not shown again on a reload.
  history.replaceState(null, "", location.pathname + location.hash);
}

async function signOut() {
  try { await api("POST", "/console/api/logout"); } catch (_) { /* signed out either way */ }
  location.hash = "";
  location.reload();
}

// --- live feed --------------------------------------------------------------------------------

function openEvents() {
  const source = new EventSource("/console/api/events");
  state.events = source;
  const live = $("live");
  source.addEventListener("open", () => { live.textContent = "live"; live.className = "badge live"; });
  source.addEventListener("error", () => {
    live.textContent = "reconnecting"; live.className = "badge down";
    // A session that ended (signed out elsewhere, user removed) shows the sign-in again.
    api("GET", "/console/api/me").catch((error) => { if (error.status === 401) signedOut(); });
  });
  const on = (name, handler) => source.addEventListener(name, (event) => handler(JSON.parse(event.data)));
  on("clients", (data) => { state.clients = data; renderClients(); });
  on("jobs", (data) => { state.jobs = new Map(data.jobs.map((job) => [job.job_id, job])); renderJobs(); });
  on("job", (data) => { state.jobs.set(data.job.job_id, data.job); renderJobs(); });
  on("tail", (data) => { state.tail = data.records; state.tailWaiting = []; renderTail(); });
  on("record", (data) => {
    if (state.tailPaused) { state.tailWaiting.unshift(data.record); renderTailWaiting(); return; }
    state.tail.unshift(data.record);
    state.tail.length = Math.min(state.tail.length, TAIL_LIMIT);
    renderTail();
  });
  on("images", (data) => { state.images = data.images; renderImages(); });
}

// --- clients ----------------------------------------------------------------------------------

// A count the server sent, or nothing where it sent none (held: online or ephemeral clients).
function countText(value) { return typeof value === "number" ? String(value) : ""; }

function renderClients() {
  const body = $("clients-table").tBodies[0];
  clear(body);
  $("clients-error").textContent = state.clients.error || (state.clients.details_error ? "Queue depths unavailable: " + state.clients.details_error : "");
  const rows = [];
  for (const kind of ["persistent", "ephemeral"]) {
    for (const client of state.clients[kind] || []) {
      rows.push(client);
      body.append(el("tr", { dataset: { uuid: client.uuid } },
        el("td", { class: "mono", text: client.uuid }),
        el("td", { text: client.client_type }),
        el("td", { class: "blender-version", text: client.blender_version || "" }),
        el("td", { class: "host", text: client.host || "" }),
        el("td", { text: kind }),
        el("td", {}, el("span", { class: "badge " + (client.online ? "online" : "offline"), text: client.online ? "online" : "offline" })),
        el("td", { text: when(client.connected_at) }),
        el("td", { text: (client.capabilities || []).join(", ") }),
        el("td", { text: client.group_id || "" }),
        el("td", { class: "queued num", text: countText(client.queued) }),
        el("td", { class: "held num", text: countText(client.held) })));
    }
  }
  $("clients-empty").hidden = rows.length > 0;
  renderRunTargets(rows);
}

function renderRunTargets(clients) {
  const select = $("run-target");
  const chosen = select.value;
  clear(select);
  select.append(el("option", { value: "", text: "any online Blender" }));
  for (const client of clients) {
    select.append(el("option", { value: client.uuid, text: client.uuid + " (" + client.client_type + (client.online ? "" : ", offline") + ")" }));
  }
  select.value = chosen;
  if (select.value !== chosen) select.value = "";
}

// --- jobs -------------------------------------------------------------------------------------

function jobMatches(job, text, status) {
  if (status && job.status !== status) return false;
  if (!text) return true;
  const haystack = [job.job_id, job.command || "", job.kind, job.status, ...(job.targets || [])].join(" ").toLowerCase();
  return haystack.includes(text.toLowerCase());
}

function renderJobs() {
  const body = $("jobs-table").tBodies[0];
  clear(body);
  const text = $("jobs-filter").value.trim();
  const status = $("jobs-status").value;
  const jobs = [...state.jobs.values()].sort((a, b) => b.created_at - a.created_at);
  let shown = 0;
  for (const job of jobs) {
    if (!jobMatches(job, text, status)) continue;
    shown += 1;
    const end = job.finished_at || Date.now() / 1000;
    const progress = typeof job.progress === "number"
      ? el("progress", { max: "1", value: String(job.progress), title: Math.round(job.progress * 100) + "%" })
      : el("span", { class: "muted", text: "-" });
    const statusCell = el("td", {}, el("span", { class: "badge " + job.status, text: job.status }));
    if (job.late) statusCell.append(" ", el("span", { class: "badge late", text: "late result" }));
    const row = el("tr", { class: "job-row", dataset: { job: job.job_id, status: job.status } },
      el("td", { class: "mono", text: job.job_id }),
      el("td", { text: job.kind }),
      el("td", { text: job.command || "" }),
      el("td", { class: "mono", text: (job.targets || []).join(", ") }),
      statusCell,
      el("td", {}, progress, job.progress_message ? el("div", { class: "muted", text: job.progress_message }) : null),
      el("td", { text: duration(Math.max(0, end - job.created_at)) }));
    row.addEventListener("click", () => {
      if (state.expanded.has(job.job_id)) state.expanded.delete(job.job_id); else state.expanded.add(job.job_id);
      renderJobs();
    });
    body.append(row);
    if (state.expanded.has(job.job_id)) {
      const detail = el("td", { colspan: "7" });
      if (job.result) detail.append(el("div", { text: "result" }), el("pre", { class: "job-result", text: job.result }));
      if (job.error) detail.append(el("div", { text: "error" }), el("pre", { class: "job-error", text: job.error }));
      if (!job.result && !job.error) detail.append(el("span", { class: "muted", text: "no result yet" }));
      body.append(el("tr", { class: "job-detail" }, detail));
    }
  }
  $("jobs-empty").hidden = shown > 0;
}

// --- bus tail ---------------------------------------------------------------------------------

function routingText(routing) {
  if (!routing || typeof routing !== "object") return "";
  return Object.entries(routing).map(([key, value]) => key + "=" + (typeof value === "string" ? value : JSON.stringify(value))).join(" ");
}

function renderTail() {
  const body = $("tail-table").tBodies[0];
  clear(body);
  for (const record of state.tail) {
    const payload = el("td", { class: "mono payload", text: record.summary });
    if (record.refused) payload.append(el("div", { class: "error", text: "refused: " + record.refused }));
    body.append(el("tr", { dataset: { seq: String(record.seq) } },
      el("td", { text: new Date(record.at * 1000).toLocaleTimeString() }),
      el("td", { text: record.kind }),
      el("td", { class: "mono", text: routingText(record.routing) }),
      el("td", { class: "mono", text: record.from }),
      el("td", { class: "mono", text: (record.to || []).join(", ") }),
      el("td", { text: record.priority }),
      payload));
  }
  renderTailWaiting();
}

function renderTailWaiting() {
  $("tail-waiting").textContent = state.tailPaused ? state.tailWaiting.length + " new records wait" : "";
}

function toggleTail() {
  state.tailPaused = !state.tailPaused;
  $("tail-pause").textContent = state.tailPaused ? "Resume" : "Pause";
  if (!state.tailPaused) {
    state.tail = state.tailWaiting.concat(state.tail).slice(0, TAIL_LIMIT);
    state.tailWaiting = [];
    renderTail();
  }
  renderTailWaiting();
}

// --- images -----------------------------------------------------------------------------------

function renderImages() {
  const list = $("images-list");
  clear(list);
  for (const set of state.images) {
    const card = el("div", { class: "card", dataset: { client: set.client } },
      el("div", { class: "mono", text: set.client || "(unknown client)" }),
      el("div", { class: "muted", text: "job " + set.job_id + ", " + when(set.at) }));
    set.images.forEach((image, index) => {
      const query = new URLSearchParams({ client: set.client, index: String(index), at: String(set.at) });
      card.append(el("div", { text: image.label || image.mime_type }),
        el("img", { src: "/console/api/image?" + query.toString(), alt: image.label || "image " + index }));
    });
    list.append(card);
  }
  $("images-empty").hidden = state.images.length > 0;
}

// --- run box ----------------------------------------------------------------------------------

function syncRunForm() {
  $("run-code-label").hidden = $("run-tool").value !== "blender_execute_code";
}

async function runTool(event) {
  event.preventDefault();
  $("run-error").textContent = "";
  $("run-output").textContent = "running...";
  const body = { tool: $("run-tool").value };
  if ($("run-target").value) body.target_uuid = $("run-target").value;
  if (body.tool === "blender_execute_code") body.code = $("run-code").value;
  $("run-submit").disabled = true;
  try {
    const data = await api("POST", "/console/api/run", body);
    $("run-output").textContent = JSON.stringify(data.response, null, 2);
  } catch (error) {
    $("run-output").textContent = "";
    $("run-error").textContent = error.message;
  } finally {
    $("run-submit").disabled = false;
  }
}

// --- admin ------------------------------------------------------------------------------------

function adminResult(promise, message) {
  $("admin-error").textContent = "";
  $("admin-message").textContent = "";
  return promise.then(() => { $("admin-message").textContent = message; loadAdmin(); })
    .catch((error) => { $("admin-error").textContent = error.message; });
}

function roleList(text) { return text.split(",").map((role) => role.trim()).filter((role) => role); }

function userActions(user) {
  const password = el("input", { type: "password", placeholder: "new password", autocomplete: "new-password", "aria-label": "new password for " + user.username });
  const resetForm = el("form", {}, password, el("button", { type: "submit", text: "Reset password" }));
  resetForm.addEventListener("submit", (event) => {
    event.preventDefault();
    adminResult(api("POST", "/console/api/admin/users/password", { username: user.username, password: password.value }), "Password of " + user.username + " reset");
  });
  const roles = el("input", { value: user.roles.join(","), "aria-label": "roles of " + user.username });
  const rolesForm = el("form", {}, roles, el("button", { type: "submit", text: "Set roles" }));
  rolesForm.addEventListener("submit", (event) => {
    event.preventDefault();
    adminResult(api("POST", "/console/api/admin/users/roles", { username: user.username, roles: roleList(roles.value) }), "Roles of " + user.username + " set");
  });
  const remove = el("button", { type: "button", class: "remove-user", text: "Remove" });
  remove.addEventListener("click", () => {
    if (!window.confirm("Remove " + user.username + "?")) return;
    adminResult(api("POST", "/console/api/admin/users/remove", { username: user.username }), user.username + " removed");
  });
  return el("td", { class: "actions" }, resetForm, rolesForm, remove);
}

function parseMetrics(text) {
  const rows = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)$/.exec(line);
    if (match) rows.push({ name: match[1], labels: match[2] || "", value: match[3] });
  }
  return rows;
}

function renderMetrics() {
  const body = $("metrics-table").tBodies[0];
  clear(body);
  const filter = $("metrics-filter").value.trim().toLowerCase();
  for (const row of state.metrics || []) {
    if (filter && !row.name.toLowerCase().includes(filter)) continue;
    body.append(el("tr", {}, el("td", { class: "mono", text: row.name }), el("td", { class: "mono", text: row.labels }), el("td", { class: "mono", text: row.value })));
  }
}

async function loadAdmin() {
  if (!state.me || !state.me.admin) return;
  try {
    const [users, sessions, status] = await Promise.all([
      api("GET", "/console/api/admin/users"), api("GET", "/console/api/admin/sessions"), api("GET", "/console/api/admin/status")]);
    const usersBody = $("users-table").tBodies[0];
    clear(usersBody);
    for (const user of users.users) {
      usersBody.append(el("tr", { dataset: { user: user.username } },
        el("td", { text: user.username }), el("td", { text: user.roles.join(", ") }),
        el("td", { text: user.scopes.join(", ") }), el("td", { text: String(user.console_sessions) }),
        el("td", { text: String(user.mcp_sessions) }), userActions(user)));
    }
    const sessionsBody = $("sessions-table").tBodies[0];
    clear(sessionsBody);
    for (const session of sessions.console) {
      sessionsBody.append(el("tr", {}, el("td", { text: session.username }), el("td", { class: "mono", text: session.client_address }),
        el("td", { text: when(session.created_at) }), el("td", { text: when(session.last_seen) })));
    }
    const list = $("status-list");
    clear(list);
    const entries = [["open console pages", String(status.console_subscribers)], ["rate limiter keys", String(status.rate_limiter_keys)]];
    for (const [outcome, count] of Object.entries(status.logins)) entries.push(["logins: " + outcome, String(count)]);
    for (const [term, value] of entries) list.append(el("dt", { text: term }), el("dd", { text: value }));
    const nodesBody = $("nodes-table").tBodies[0];
    clear(nodesBody);
    for (const node of status.nodes || []) {
      nodesBody.append(el("tr", {}, el("td", { text: node.node }), el("td", { text: node.state || "" }),
        el("td", { text: node.sessions === null || node.sessions === undefined ? "" : String(node.sessions) }),
        el("td", { text: node.backend || "" }), el("td", { text: node.problem || "none" })));
    }
    state.metrics = parseMetrics(status.metrics || "");
    renderMetrics();
  } catch (error) {
    $("admin-error").textContent = error.message;
  }
}

async function addUser(event) {
  event.preventDefault();
  const body = { username: $("add-username").value, password: $("add-password").value, roles: roleList($("add-roles").value) };
  await adminResult(api("POST", "/console/api/admin/users", body), "Added " + body.username);
  $("add-password").value = "";
}

// --- start ------------------------------------------------------------------------------------

async function start() {
  $("signin-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  $("jobs-filter").addEventListener("input", renderJobs);
  $("jobs-status").addEventListener("change", renderJobs);
  $("tail-pause").addEventListener("click", toggleTail);
  $("run-tool").addEventListener("change", syncRunForm);
  $("run-form").addEventListener("submit", runTool);
  $("add-user-form").addEventListener("submit", addUser);
  $("metrics-filter").addEventListener("input", renderMetrics);
  window.addEventListener("hashchange", route);
  syncRunForm();
  showSignOnError();
  try {
    signedIn(await api("GET", "/console/api/me"));
  } catch (_) {
    signedOut();
  }
}

document.addEventListener("DOMContentLoaded", start);
