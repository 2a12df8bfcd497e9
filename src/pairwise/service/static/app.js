// The admin page: talks to this service only (same origin), with the token when one is given.
"use strict";

const $ = (id) => document.getElementById(id);
const FINISHED = ["optimal", "feasible", "infeasible", "failed", "cancelled", "interrupted"];
let current = null; // the job followed now
let following = null; // the AbortController of its event stream

function headers() {
  const token = $("token").value.trim();
  sessionStorage.setItem("pairwise-token", token);
  return token ? { Authorization: "Bearer " + token } : {};
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...headers(), ...(options.headers || {}) } });
  if (response.status === 401) {
    $("token-box").classList.add("needed");
  }
  return response;
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch (error) {
    return { detail: response.status + " " + response.statusText, errors: [] };
  }
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function say(text, isError) {
  const message = $("upload-message");
  message.textContent = text;
  message.className = isError ? "error" : "";
}

// "Teachers!C14: message" -> sheet "Teachers", cell "C14"; "teachers[3].team: message" -> roster
function locate(line) {
  const cell = /^(.+?)!([A-Z]{1,3}[0-9]*)(?::\s*|\s+)(.*)$/.exec(line);
  if (cell) return { group: "Sheet " + cell[1], where: cell[2], message: cell[3] };
  const split = line.indexOf(": ");
  if (split > 0) return { group: "Roster", where: line.slice(0, split), message: line.slice(split + 2) };
  return { group: "Roster", where: "", message: line };
}

function showProblems(errors) {
  const holder = $("problem-groups");
  holder.replaceChildren();
  $("problems").hidden = errors.length === 0;
  const groups = new Map();
  for (const line of errors) {
    const place = locate(line);
    if (!groups.has(place.group)) groups.set(place.group, []);
    groups.get(place.group).push(place);
  }
  for (const [group, places] of groups) {
    const block = element("div", null, "problem-sheet");
    block.append(element("h4", group));
    const table = element("table");
    const head = table.insertRow();
    head.append(element("th", group === "Roster" ? "Field" : "Cell"), element("th", "Problem"));
    for (const place of places) {
      const row = table.insertRow();
      row.append(element("td", place.where, "cell"), element("td", place.message));
    }
    block.append(table);
    holder.append(block);
  }
}

function rosterForm() {
  const file = $("file").files[0];
  if (!file) {
    say("Choose a workbook (.xlsx) or a roster (.json) first.", true);
    return null;
  }
  const form = new FormData();
  form.append("file", file, file.name);
  return form;
}

async function validateRoster() {
  const form = rosterForm();
  if (!form) return;
  say("Reading…");
  const response = await api("/v1/validate", { method: "POST", body: form });
  if (response.ok) {
    const summary = await response.json();
    showProblems([]);
    const warnings = summary.warnings.length ? " Notes: " + summary.warnings.join("; ") : "";
    say(`'${summary.name}' is valid: ${summary.teachers} teachers, ${summary.periods} periods.${warnings}`);
  } else {
    const problem = await problemOf(response);
    say(problem.detail, true);
    showProblems(problem.errors || []);
  }
}

async function solveRoster(event) {
  event.preventDefault();
  const form = rosterForm();
  if (!form) return;
  const query = new URLSearchParams({ time_limit: $("time-limit").value || "30", seed: $("seed").value || "0" });
  say("Sending…");
  const response = await api("/v1/solve?" + query, { method: "POST", body: form });
  if (response.status !== 202) {
    const problem = await problemOf(response);
    say(problem.detail, true);
    showProblems(problem.errors || []);
    return;
  }
  const created = await response.json();
  showProblems([]);
  say("Queued as job " + created.id + ".");
  follow(created.id);
  listJobs();
// a link to one job: /#job=ID
const linked = /^#job=([0-9a-f]+)$/.exec(location.hash);
if (linked) follow(linked[1]);
}

function showJob(job) {
  $("job").hidden = false;
  const status = $("job-status");
  status.textContent = job.status;
  status.className = "status-" + job.status;
  $("job-objective").textContent = job.objective ?? "–";
  $("job-bound").textContent = job.bound ?? "–";
  $("job-gap").textContent = job.gap === null ? "–" : (100 * job.gap).toFixed(2) + " %";
  $("job-elapsed").textContent = job.elapsed.toFixed(1) + " s";
  $("job-phase").textContent = job.phase || (FINISHED.includes(job.status) ? "finished" : "waiting");
  const done = FINISHED.includes(job.status);
  $("job-progress").value = done ? 1 : job.gap === null ? 0 : Math.max(0, 1 - job.gap);
  $("stop-button").hidden = done;
  $("resume-button").hidden = !["interrupted", "cancelled"].includes(job.status);
  const errors = $("job-errors");
  errors.replaceChildren(...job.errors.map((line) => element("li", line)));
}

async function follow(id) {
  if (following) following.abort();
  current = id;
  $("result").hidden = true;
  following = new AbortController();
  const response = await api(`/v1/jobs/${id}/events`, { signal: following.signal });
  if (!response.ok) {
    const problem = await problemOf(response);
    say(problem.detail, true);
    return;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let last = null;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
        if (data) {
          last = JSON.parse(data);
          if (current === id) showJob(last);
        }
      }
    }
  } catch (error) {
    if (error.name === "AbortError") return;
    throw error;
  }
  if (last && current === id) {
    listJobs();
// a link to one job: /#job=ID
const linked = /^#job=([0-9a-f]+)$/.exec(location.hash);
if (linked) follow(linked[1]);
    if (last.has_plan) showResult(last);
  }
}

function summaryTable(rows) {
  const table = element("table");
  for (const [name, value] of rows) {
    const row = table.insertRow();
    row.append(element("th", name), element("td", value));
  }
  return table;
}

async function showResult(job) {
  const response = await api(`/v1/jobs/${job.id}/plan`);
  if (!response.ok) return;
  const plan = await response.json();
  const summary = $("summary");
  summary.replaceChildren(
    summaryTable([
      ["Status", plan.status],
      ["Objective", `${plan.objective} (bound ${plan.bound})`],
      ["Partnerships", plan.partnerships.length],
      ["Peer visits", plan.visits.length],
      ["Sabbatical visits", plan.sabbatical_visits.length],
      ["Table seats", plan.tables.length],
      ["Unpaired", plan.unpaired.map((entry) => entry.teacher).join(", ") || "nobody"],
    ]),
    element("h3", "Objective, term by term"),
    summaryTable(Object.entries(plan.terms)),
  );
  $("result").hidden = false;
  const report = await api(`/v1/jobs/${job.id}/report.html`);
  if (report.ok) $("report").srcdoc = await report.text();
}

async function download(path, name) {
  const response = await api(path);
  if (!response.ok) {
    const problem = await problemOf(response);
    say(problem.detail, true);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = element("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function listJobs() {
  const response = await api("/v1/jobs");
  if (!response.ok) return;
  const rows = [];
  for (const job of (await response.json()).jobs) {
    const row = element("tr");
    const open = element("button", "Open");
    open.type = "button";
    open.addEventListener("click", () => follow(job.id));
    const action = element("td");
    action.append(open);
    row.append(
      element("td", job.created.replace("T", " ")),
      element("td", job.kind),
      element("td", job.status, "status-" + job.status),
      element("td", job.objective ?? "–"),
      action,
    );
    rows.push(row);
  }
  // replaced whole once the answer is in, so two refreshes at once never mix their rows
  $("jobs").tBodies[0].replaceChildren(...rows);
}

$("token").value = sessionStorage.getItem("pairwise-token") || "";
$("roster-form").addEventListener("submit", solveRoster);
$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  listJobs();
});
$("validate-button").addEventListener("click", validateRoster);
$("refresh-jobs").addEventListener("click", listJobs);
$("stop-button").addEventListener("click", async () => {
  if (current) await api(`/v1/jobs/${current}`, { method: "DELETE" });
});
$("resume-button").addEventListener("click", async () => {
  if (!current) return;
  const response = await api(`/v1/jobs/${current}/resume`, { method: "POST" });
  if (response.status === 202) follow(current);
  else say((await problemOf(response)).detail, true);
});
$("download-zip").addEventListener("click", () => current && download(`/v1/jobs/${current}/export.zip`, `pairwise-${current}.zip`));
$("download-plan").addEventListener("click", () => current && download(`/v1/jobs/${current}/plan`, `plan-${current}.json`));
listJobs();
// a link to one job: /#job=ID
const linked = /^#job=([0-9a-f]+)$/.exec(location.hash);
if (linked) follow(linked[1]);
