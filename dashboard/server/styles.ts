/**
 * The dashboard's styles. Colours pass WCAG AA contrast (4.5:1 for text) on their backgrounds; every status
 * also shows its name, so nothing relies on colour alone.
 */
export const STYLES_CSS = `
:root { --fg: #1b1f24; --muted: #4a5360; --bg: #ffffff; --panel: #f4f6f8; --line: #c9d1d9; --accent: #0b57d0;
  --ok: #116329; --warn: #7a4b00; --bad: #a40e26; --focus: #ffbf47; font: 15px/1.45 system-ui, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px; z-index: 9; }
header { display: flex; gap: 24px; align-items: center; padding: 8px 20px; background: #0d2a4d; color: #fff; flex-wrap: wrap; }
header a, header button.link { color: #fff; }
header .brand { font-weight: 600; }
nav { display: flex; gap: 16px; }
nav a { text-decoration: none; padding: 4px 2px; }
nav a[aria-current=page] { border-bottom: 3px solid #fff; font-weight: 600; }
#who { margin-left: auto; }
main { padding: 16px 20px; max-width: 1400px; outline: none; }
h1 { font-size: 1.5rem; margin: 0 0 12px; } h2 { font-size: 1.15rem; } h3 { font-size: 1rem; margin: 16px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--panel); }
tr.zero td, tr.zero th { color: var(--muted); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: .85rem; font-weight: 600; border: 1px solid currentColor; }
.status-Completed { color: var(--ok); } .status-Compensated { color: #35507a; }
.status-Running, .status-Awaiting { color: var(--accent); }
.status-Stuck, .status-NeedsAttention { color: var(--warn); background: #fff4d6; }
.status-Failed, .status-Terminated { color: var(--bad); background: #ffe9ec; }
button { font: inherit; padding: 6px 12px; border: 1px solid #5b6572; border-radius: 4px; background: #fff; color: var(--fg); cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.danger { background: var(--bad); border-color: var(--bad); color: #fff; }
button:disabled { background: #e8eaed; border-color: #aeb4bb; color: #5f6670; cursor: not-allowed; }
button.link { background: none; border: none; text-decoration: underline; padding: 0; }
.toolbar { display: flex; gap: 8px; flex-wrap: wrap; margin: 8px 0; }
.filters { display: flex; gap: 12px; flex-wrap: wrap; align-items: flex-end; background: var(--panel); padding: 10px; border-radius: 6px; }
.field { display: flex; flex-direction: column; gap: 2px; }
.field label { font-weight: 600; font-size: .9rem; }
input, select, textarea { font: inherit; padding: 5px 6px; border: 1px solid #5b6572; border-radius: 4px; }
textarea { width: 100%; }
small { color: var(--muted); }
.error { color: var(--bad); font-weight: 600; }
.status { position: fixed; bottom: 0; right: 0; margin: 0; padding: 4px 12px; background: var(--panel); }
.status:empty { display: none; }
.updated { color: var(--muted); }
.overview-grid { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(300px, 1fr); gap: 24px; }
.per-minute ol { display: flex; align-items: flex-end; gap: 3px; height: 90px; list-style: none; padding: 0; margin: 0; border-bottom: 1px solid var(--line); }
.per-minute li { flex: 1; height: 100%; display: flex; align-items: flex-end; }
.per-minute li span { display: block; width: 100%; background: var(--accent); min-height: 1px; }
.per-minute figcaption { font-weight: 600; margin-bottom: 4px; }
figure { margin: 0; }
.lanes { display: grid; gap: 20px; } .lanes-2 { grid-template-columns: 1fr 1fr; }
.lane { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 0; }
.lane dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
.lane dt { font-weight: 600; } .lane dd { margin: 0; overflow-wrap: anywhere; }
.step-graph { display: flex; gap: 18px; list-style: none; padding: 0; }
.step { position: relative; flex: 1 1 0; min-width: 0; overflow-wrap: anywhere; font-size: .9rem; border: 2px solid var(--line); border-radius: 6px; padding: 6px 8px; display: flex; flex-direction: column; }
.step + .step::before { content: '→'; position: absolute; left: -16px; top: 8px; color: var(--muted); }
.scroll { overflow-x: auto; }
.step-done { border-color: var(--ok); } .step-current { border-color: var(--accent); background: #e8f0fe; }
.step-failed { border-color: var(--bad); background: #ffe9ec; } .step-todo { border-style: dashed; }
.step-name { font-weight: 600; }
.step-compensation { font-size: .85rem; color: var(--muted); } .step-compensation.ran { color: var(--warn); font-weight: 600; }
.timeline td.gantt { position: relative; min-width: 120px; width: 28%; }
.timeline .bar { position: absolute; top: 8px; height: 10px; background: var(--ok); border-radius: 2px; }
.timeline .result-failed .bar, .timeline .result-timedOut .bar { background: var(--bad); }
.timeline .result-waiting .bar, .timeline .result-running .bar { background: var(--accent); }
.timeline .compensation .bar { background: var(--warn); }
.timeline .deadline { position: absolute; top: 4px; height: 18px; border-left: 2px dashed var(--bad); }
.timeline tr.compensation th { color: var(--warn); }
.timeline td.detail { max-width: 240px; overflow-wrap: anywhere; font-size: .9rem; }
.trace-diff tr.divergence { background: #fff4d6; font-weight: 600; } .trace-diff tr.differs { background: #fff8e8; }
.call-data { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 12px; }
.payload h4 { margin: 4px 0; font-size: .9rem; } .payload pre { max-height: 400px; white-space: pre-wrap; overflow-wrap: anywhere; }
tr.call-row td { background: #fbfcfd; }
td.pending { color: var(--muted); font-style: italic; }
pre { background: var(--panel); padding: 8px; overflow: auto; max-height: 300px; }
dialog { max-width: min(1100px, 95vw); width: 100%; border: 1px solid var(--line); border-radius: 8px; }
dialog::backdrop { background: rgba(0,0,0,.4); }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 10px; }
.actions { display: flex; gap: 8px; margin: 10px 0; }
.dialog-close { text-align: right; }
.plan ul.steps { margin: 0; padding-left: 16px; } .plan li.kept { color: var(--muted); }
tr.ineligible { background: var(--panel); } tr.result-failed { background: #ffe9ec; }
tr.dry-run td { color: var(--muted); }
.sign-in { max-width: 420px; display: flex; flex-direction: column; gap: 10px; }
.pager { display: flex; gap: 16px; }
@media (max-width: 1000px) { .lanes-2, .overview-grid { grid-template-columns: 1fr; } }
`;
