// The kit's load, one process a load, from the built kit (npm run build):
//   node bench/children/kit-load.js FILE [FIELD,FIELD...]
// Prints {"rows": N, "tableBytes": B}: the row count, and the bytes of the loaded table's
// buffers (each ArrayBuffer region counted once), which is what stays resident for the
// table itself, next to the process's peak RSS that /usr/bin/time reports.
// With fields, only those are read (LoadOptions.columns).
// With no FILE argument but `--startup`, it only loads the kit's loader and exits: the
// start-up RSS that every load pays before it reads a byte.
const { loadReceipts } = require("../../dist/io/load");
const [path, fields] = process.argv.slice(2);
if (path === "--startup") {
  console.log(JSON.stringify({ rows: 0, tableBytes: 0 }));
} else {
  loadReceipts(path, fields ? { columns: fields.split(",") } : {}).then((t) => {
    // t.base is the loaded table without forcing the lazy receipt_key column.
    const base = t.cache?.base ?? t.arrow;
    const seen = new Map();
    const visit = (d) => {
      for (const b of [d.values, d.valueOffsets, d.nullBitmap, d.typeIds]) {
        if (!b || b.byteLength === 0) continue;
        const regions = seen.get(b.buffer) ?? [];
        if (!regions.some(([o, l]) => o === b.byteOffset && l === b.byteLength)) regions.push([b.byteOffset, b.byteLength]);
        seen.set(b.buffer, regions);
      }
      for (const c of d.children ?? []) visit(c);
      if (d.dictionary) for (const dd of d.dictionary.data) visit(dd);
    };
    for (const f of base.schema.fields) for (const d of base.getChild(f.name).data) visit(d);
    // Overlapping views of one buffer (all-null columns sharing zeros) count once: the union of regions.
    let tableBytes = 0;
    for (const regions of seen.values()) {
      regions.sort((a, b) => a[0] - b[0]);
      let end = -1;
      for (const [o, l] of regions) { const from = Math.max(o, end); if (o + l > from) tableBytes += o + l - from; end = Math.max(end, o + l); }
    }
    console.log(JSON.stringify({ rows: t.numRows, tableBytes }));
  });
}
