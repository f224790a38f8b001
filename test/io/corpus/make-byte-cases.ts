/**
 * Writes the byte-level cases of the malformed-input corpus (hostile-input classes of issue
 * 13: invalid UTF-8, escaped lone surrogates, repeated keys, NUL bytes, size limits, line
 * endings, impossible dates, contradicting derived fields, blank ids, CSV headers). Text
 * files an editor would silently "fix" are written from here, byte for byte. Deterministic:
 * run `npx tsx test/io/corpus/make-byte-cases.ts` again and the bytes are the same.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const DIR = __dirname;

/** A good receipt line with query `q` and extra JSON members (already written) spliced in. */
function receipt(q: string, extra = "", fields: Record<string, unknown> = {}): string {
  const base: Record<string, unknown> = { run_id: "r1", model: "m1", judge: "wildguard", n_benign: 2, n_harmful: 1, query_source: "harmbench", query_id: q, judge_label: "refusal", ...fields };
  const json = JSON.stringify(base);
  return extra === "" ? json : json.slice(0, -1) + "," + extra + "}";
}

/** `text` as UTF-8 with the bytes `raw` where "§" is. */
function withBytes(text: string, raw: number[]): Buffer {
  const [before, after] = text.split("§");
  return Buffer.concat([Buffer.from(before), Buffer.from(raw), Buffer.from(after)]);
}

const CSV_HEADER = "run_id,model,judge,n_benign,n_harmful,query_source,query_id,judge_label,response";
const csvRow = (q: string, response = "ok") => `r1,m1,wildguard,2,1,harmbench,${q},refusal,${response}`;

const files: Record<string, string | Buffer> = {
  "invalid-utf8.jsonl": withBytes(receipt("q1") + "\n" + receipt("q2", `"response":"caf§"`) + "\n" + receipt("q3") + "\n", [0xe9]),
  "invalid-utf8-in-key.jsonl": withBytes(receipt("q1", `"n§te":1`) + "\n" + receipt("q2") + "\n", [0xff]),
  "overlong-utf8.jsonl": withBytes(receipt("q1", `"response":"a§"`) + "\n", [0xc0, 0xaf]),
  "lone-high-surrogate.jsonl": receipt("q1") + "\n" + receipt("q2", `"response":"broken \\ud83d here"`) + "\n",
  "lone-low-surrogate.jsonl": receipt("q1", `"response":"\\ude00 first"`) + "\n" + receipt("q2", `"response":"paired \\ud83d\\ude00 is fine"`) + "\n",
  "surrogate-in-unknown-field.jsonl": receipt("q1", `"notes":"\\udc00"`) + "\n",
  "repeated-key.jsonl": receipt("q1", `"model":"m2"`) + "\n" + receipt("q2") + "\n",
  "repeated-key-escaped.jsonl": receipt("q1", `"mod\\u0065l":"m2"`) + "\n",
  "escaped-field-name.jsonl": receipt("q1").replace(`"judge_label"`, `"judge\\u005flabel"`) + "\n",
  "repeated-unknown-key.jsonl": receipt("q1", `"note":1,"note":2`) + "\n",
  "cr-only.jsonl": [receipt("q1"), receipt("q2"), receipt("q3")].join("\r") + "\r",
  "cr-only-bad-line.jsonl": [receipt("q1"), `{"run_id": "r1",`, receipt("q3")].join("\r"),
  "mixed-line-endings.jsonl": receipt("q1") + "\r\n" + receipt("q2") + "\r" + receipt("q3") + "\n" + receipt("q4"),
  "long-field-name.jsonl": receipt("q1", `"${"x".repeat(100_000)}":1`) + "\n",
  "long-line.jsonl": receipt("q1") + "\n" + receipt("q2", `"response":"${"a".repeat(2000)}"`) + "\n" + receipt("q3") + "\n",
  "medium-line.jsonl": receipt("q1", `"response":"${"m".repeat(600)}"`) + "\n" + receipt("q2") + "\n",
  "long-field.jsonl": receipt("q1", `"response":"${"b".repeat(300)}"`) + "\n" + receipt("q2", `"response":"short"`) + "\n",
  "nul-byte.jsonl": withBytes(receipt("q1") + "\n" + receipt("q2").slice(0, 20) + "§" + receipt("q2").slice(20) + "\n" + receipt("q3") + "\n", [0]),
  "zeros.jsonl": Buffer.alloc(5000),
  "impossible-date.jsonl": receipt("q1", "", { created_at: "2026-02-30T12:00:00Z" }) + "\n",
  "leap-day.jsonl": receipt("q1", "", { created_at: "2028-02-29T12:00:00Z" }) + "\n" + receipt("q2", "", { created_at: "2027-02-29T12:00:00Z" }) + "\n",
  "impossible-time.jsonl": receipt("q1", "", { created_at: "2026-06-18T24:30:00+02:00" }) + "\n",
  "n-total-contradicts.jsonl": receipt("q1", "", { n_total: 3 }) + "\n" + receipt("q2", "", { n_total: 5 }) + "\n",
  "complied-contradicts.jsonl": receipt("q1", "", { complied: true }) + "\n" + receipt("q2", "", { complied: false }) + "\n",
  "harmful-fraction-contradicts.jsonl": receipt("q1", "", { harmful_fraction: 0.5 }) + "\n",
  "empty-id.jsonl": receipt("q1", "", { run_id: "" }) + "\n",
  "blank-id.jsonl": receipt("q1", "", { model: " \t " }) + "\n",
  "null-required.jsonl": receipt("q1", "", { judge_label: null }) + "\n",
  "trailing-garbage.jsonl": receipt("q1") + " x\n",
  "two-objects-one-line.jsonl": receipt("q1") + receipt("q2") + "\n",
  "scalar-line.jsonl": "42\n",
  "string-line.jsonl": `"a receipt"\n`,
  "null-line.jsonl": "null\n",
  "raw-tab-in-string.jsonl": receipt("q1", `"response":"a\tb"`) + "\n",
  "single-quotes.jsonl": `{'run_id': 'r1'}\n`,
  "trailing-comma.jsonl": receipt("q1").slice(0, -1) + ",}\n",
  "leading-zero.jsonl": receipt("q1").replace(`"n_benign":2`, `"n_benign":02`) + "\n",
  "huge-exponent.jsonl": receipt("q1", `"judge_score":1e400`) + "\n",
  "wrong-boolean.jsonl": receipt("q1", `"response_harmful":"yes"`) + "\n",
  "int-beyond-32-bits.jsonl": receipt("q1", `"max_tokens":3000000000`) + "\n",
  "seed-beyond-2-53.jsonl": receipt("q1", `"sampling_seed":18014398509481984`) + "\n",
  "demo-ids-not-strings.jsonl": receipt("q1", `"demo_ids":["a",3,"c"]`) + "\n",
  "nested-unknown-field.jsonl": receipt("q1", `"extra":{"a":[1,{"b":null}],"c":"d"}`) + "\n",
  "timestamp-without-zone.jsonl": receipt("q1", "", { created_at: "2026-06-18T12:00:00" }) + "\n",
  "csv-duplicate-column.csv": "run_id,model,judge,n_benign,n_harmful,query_source,query_id,judge_label,model\n" + "r1,m1,wildguard,2,1,harmbench,q1,refusal,m2\n",
  "csv-invalid-utf8.csv": withBytes(CSV_HEADER + "\n" + csvRow("q1") + "\n" + csvRow("q2", "caf§") + "\n" + csvRow("q3") + "\n", [0xe9]),
  "csv-cr-only.csv": [CSV_HEADER, csvRow("q1"), csvRow("q2"), csvRow("q3", `"two\rlines"`)].join("\r") + "\r",
  "csv-nul-byte.csv": withBytes(CSV_HEADER + "\n" + csvRow("q1", "a§b") + "\n" + csvRow("q2") + "\n", [0]),
  "csv-long-cell.csv": CSV_HEADER + "\n" + csvRow("q1", "c".repeat(300)) + "\n" + csvRow("q2") + "\n",
  "csv-endless-quote.csv": CSV_HEADER + "\n" + csvRow("q1") + "\n" + csvRow("q2", `"never closed ${"d".repeat(500)}`) + "\n" + csvRow("q3") + "\n",
  "csv-text-after-quote.csv": CSV_HEADER + "\n" + csvRow("q1", `"quoted"x`) + "\n" + csvRow("q2") + "\n",
  "csv-unknown-column.csv": CSV_HEADER + ",colour\n" + csvRow("q1") + ",red\n",
  "csv-missing-column.csv": "run_id,model,n_benign,n_harmful,query_source,query_id,judge_label\nr1,m1,2,1,harmbench,q1,refusal\n",
  "csv-bad-boolean.csv": "run_id,model,judge,n_benign,n_harmful,query_source,query_id,judge_label,adopted_cue\nr1,m1,wildguard,2,1,harmbench,q1,refusal,yes\n",
  "csv-impossible-date.csv": "run_id,model,judge,n_benign,n_harmful,query_source,query_id,judge_label,created_at\nr1,m1,wildguard,2,1,harmbench,q1,refusal,2026-04-31T00:00:00Z\n",
  "csv-blank-id.csv": "run_id,model,judge,n_benign,n_harmful,query_source,query_id,judge_label\nr1,m1,  ,2,1,harmbench,q1,refusal\n",
};

for (const [name, content] of Object.entries(files)) writeFileSync(join(DIR, name), content);
console.log(`wrote ${Object.keys(files).length} files to ${DIR}`);
