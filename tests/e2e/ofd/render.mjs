// render.mjs JOB.json — renders an OFD file with ofd.js 0.2.6 in headless Chromium
// (playwright-core, the system's Debian chromium) and writes what the reader drew.
//
// JOB.json (written by ofd_e2e.py):
//   { "ofd": "/abs/report.ofd", "out": "/abs/dir", "chromium": "/usr/bin/chromium",
//     "scale": 5, "dsf": 2,
//     "fonts": [ { "id": "3", "file": "/abs/extracted/font.ttf", "sha256": "…" }, … ] }
// The fonts are the FontFile entries of the OFD's PublicRes/DocumentRes, extracted by
// ofd_e2e.py. ofd.js 0.2.6 ignores FontFile and styles each character with a CSS
// font-family derived from the font's FamilyName/FontName; this script reads that
// family from the rendered DOM and registers the embedded font under it with the
// FontFace API, so the page is drawn with the fonts inside the OFD.
//
// Output: OUT/render.json
//   { "scale": px per mm (CSS), "dsf": device pixels per CSS px,
//     "fontFaces": [ { "id", "family", "status" } ], "problems": [ "…" ],
//     "pages": [ { "index", "id", "widthMm", "heightMm", "png",
//                  "chars": [ { "c", "x", "y", "adv", "size", "font", "obj" } ] } ] }
// x/y: the baseline origin of each character on the page in mm (origin top left),
// measured from the SVG ofd.js produced (getStartPositionOfChar through the element's
// screen CTM, so CTM and HScale transforms are included); adv: the rendered advance
// in mm; font: the OFD font ID of the TextObject; obj: the TextObject ID.
// OUT/page-N.png: a screenshot of page N at scale·dsf pixels per mm.
// With "printPdf": FILE in the job, the rendered pages are also printed to FILE.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import os from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
// node_modules lives outside the source tree (npm ci into the build directory):
// NODE_PATH-like lookup through the directory given in the job.
const require = createRequire(path.join(job.modules, 'node_modules', 'x.js'));
const { chromium } = require('playwright-core');
const ofdJs = require.resolve('ofd.js/lib/ofd.umd.min.js');
const here = path.dirname(fileURLToPath(import.meta.url));

const files = new Map([
  ['/', { file: path.join(here, 'page.html'), type: 'text/html; charset=utf-8' }],
  ['/ofd.umd.min.js', { file: ofdJs, type: 'text/javascript; charset=utf-8' }],
  ['/doc.ofd', { file: job.ofd, type: 'application/octet-stream' }],
]);
for (const f of job.fonts) {
  files.set(`/font/${encodeURIComponent(f.id)}`, { file: f.file, type: 'font/ttf' });
}

const server = http.createServer((req, res) => {
  const entry = files.get(new URL(req.url, 'http://x').pathname);
  if (req.url === '/favicon.ico') {
    res.writeHead(204);
    res.end();
    return;
  }
  if (!entry) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(200, { 'Content-Type': entry.type, 'Cache-Control': 'no-store' });
  fs.createReadStream(entry.file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-ofd-chromium-'));
let context;
let exitCode = 0;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: job.chromium,
    headless: true,
    chromiumSandbox: false,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: Math.ceil(220 * job.scale), height: Math.ceil(310 * job.scale) },
    deviceScaleFactor: job.dsf,
    timeout: 60000,
  });
  const page = context.pages()[0] || await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`console: ${m.text()}`); });
  await page.goto(`${base}/`, { waitUntil: 'load' });

  const result = await page.evaluate(async ({ scale, fonts }) => {
    const problems = [];
    if (!window.ofd || !window.ofd.parseOfdDocument) {
      return { fatal: 'ofd.js did not load (window.ofd.parseOfdDocument is missing)' };
    }
    const buf = await (await fetch('/doc.ofd')).arrayBuffer();
    let docs;
    try {
      docs = await new Promise((resolve, reject) => {
        window.ofd.parseOfdDocument({ ofd: buf, success: resolve, fail: reject });
      });
    } catch (e) {
      return { fatal: `ofd.js could not parse the file: ${e && e.message ? e.message : e}` };
    }
    if (!docs || !docs.length) return { fatal: 'ofd.js found no document (DocBody) in OFD.xml' };
    const doc = docs[0];
    if (!doc.pages || !doc.pages.length) return { fatal: 'ofd.js found no page' };

    // TextObject ID → Font ID, from the reader's own parse of every page and template.
    const objFont = new Map();
    const walk = (node) => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) { node.forEach(walk); return; }
      for (const [k, v] of Object.entries(node)) {
        if (k === 'ofd:TextObject') {
          for (const t of [].concat(v)) if (t && t['@_ID'] !== undefined) objFont.set(String(t['@_ID']), String(t['@_Font']));
        }
        if (typeof v === 'object') walk(v);
      }
    };
    for (const p of doc.pages) walk(Object.values(p)[0].json);
    for (const t of Object.values(doc.tpls || {})) walk(t.json);

    window.ofd.setPageScale(scale);
    const got = Number(window.ofd.getPageScale());
    if (Math.abs(got - scale) > 1e-9) problems.push(`ofd.js uses scale ${got}, not ${scale}`);
    const divs = window.ofd.renderOfdByScale(doc);
    const holder = document.getElementById('pages');
    for (const d of divs) holder.appendChild(d);

    // The CSS font-family ofd.js gave each OFD font (its first family is the one the
    // browser tries first), read back from the DOM.
    const fontFamily = new Map();
    for (const svg of holder.querySelectorAll('svg')) {
      const text = svg.querySelector('text');
      if (!text) continue;
      const obj = String(svg.style.zIndex);
      const fid = objFont.get(obj);
      const fam = (text.style.fontFamily || '').split(',')[0].trim().replace(/^["']|["']$/g, '');
      if (fid === undefined || !fam) continue;
      if (!fontFamily.has(fid)) fontFamily.set(fid, fam);
    }
    // Register every embedded font under that family (FontFace API).
    const byFamily = new Map();
    const fontFaces = [];
    for (const f of fonts) {
      const family = fontFamily.get(f.id);
      if (!family) { fontFaces.push({ id: f.id, family: null, status: 'unused' }); continue; }
      const prev = byFamily.get(family);
      if (prev && prev.sha256 !== f.sha256) {
        problems.push(`fonts ${prev.id} and ${f.id} both become CSS font-family "${family}" in ofd.js 0.2.6 ` +
          '(it maps FamilyName/FontName through its own table), so one of them is drawn with the other\'s glyphs; ' +
          'give the fonts names that stay distinct');
        fontFaces.push({ id: f.id, family, status: 'collision' });
        continue;
      }
      if (prev) { fontFaces.push({ id: f.id, family, status: 'same file' }); continue; }
      const face = new FontFace(family, `url(/font/${encodeURIComponent(f.id)})`);
      try {
        await face.load();
        document.fonts.add(face);
        byFamily.set(family, f);
        fontFaces.push({ id: f.id, family, status: 'loaded' });
      } catch (e) {
        problems.push(`the browser rejects embedded font ${f.id} (FontFace: ${e && e.message ? e.message : e})`);
        fontFaces.push({ id: f.id, family, status: 'error' });
      }
    }
    for (const [fid, family] of fontFamily) {
      if (!fonts.some((f) => f.id === fid)) problems.push(`font ${fid} ("${family}") has no FontFile in the OFD; the browser draws it with a system font`);
    }
    await document.fonts.ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));

    const pages = [];
    doc.pages.forEach((p, i) => {
      const div = divs[i];
      const r = div.getBoundingClientRect();
      const chars = [];
      for (const t of div.querySelectorAll('text')) {
        const s = t.textContent;
        if (!s) continue;
        const svg = t.ownerSVGElement;
        const obj = svg ? String(svg.style.zIndex) : '';
        const m = t.getScreenCTM();
        const n = t.getNumberOfChars();
        for (let k = 0; k < n; k++) {
          const sp = t.getStartPositionOfChar(k);
          const ep = t.getEndPositionOfChar(k);
          const a = new DOMPoint(sp.x, sp.y).matrixTransform(m);
          const b = new DOMPoint(ep.x, ep.y).matrixTransform(m);
          chars.push({
            c: s[k], x: (a.x - r.left) / scale, y: (a.y - r.top) / scale,
            adv: Math.hypot(b.x - a.x, b.y - a.y) / scale,
            size: parseFloat(t.style.fontSize) / scale,
            font: objFont.get(obj) ?? null, obj,
          });
        }
      }
      pages.push({ index: i + 1, id: Object.keys(p)[0], widthMm: r.width / scale, heightMm: r.height / scale, chars });
    });
    return { problems, fontFaces, pages };
  }, { scale: job.scale, fonts: job.fonts });

  if (result.fatal) {
    console.error(`render.mjs: ${result.fatal}`);
    for (const e of consoleErrors) console.error(`render.mjs: ${e}`);
    exitCode = 1;
  } else {
    const divs = await page.$$('#pages > div');
    for (const p of result.pages) {
      p.png = path.join(job.out, `page-${p.index}.png`);
      await divs[p.index - 1].screenshot({ path: p.png });
    }
    if (job.printPdf) {
      // Harness self-validation only (ofd_e2e.py reader with PE_OFD_PRINT_PDF): the
      // rendered pages printed by Chromium as a PDF, one OFD page per PDF page, so
      // the PDF side of the comparison can be checked against a known answer.
      const w = result.pages[0].widthMm;
      const h = result.pages[0].heightMm;
      await page.addStyleTag({ content: `@media print { html, body { background: white; }
        #pages > div { margin: 0 !important; break-after: page; } }` });
      await page.pdf({ path: job.printPdf, width: `${w}mm`, height: `${h}mm`, printBackground: true,
        margin: { top: 0, right: 0, bottom: 0, left: 0 }, scale: 96 / 25.4 / job.scale });
    }
    result.scale = job.scale;
    result.dsf = job.dsf;
    result.consoleErrors = consoleErrors;
    fs.writeFileSync(path.join(job.out, 'render.json'), JSON.stringify(result, null, 1));
  }
} catch (e) {
  console.error(`render.mjs: ${e && e.stack ? e.stack : e}`);
  exitCode = 1;
} finally {
  if (context) await context.close();
  server.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(exitCode);
