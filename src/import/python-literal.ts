/**
 * Reads the Python literals that `csv.DictWriter` writes for nested values (PyRIT's CSV
 * export): `{'a': 1, 'b': [True, None]}`, strings in single or double quotes with backslash
 * escapes, ints, floats, True/False/None. JSON is a subset, so JSON cells read too. Nothing
 * is evaluated; anything else is an error naming the offset.
 */
export function parsePythonLiteral(text: string): unknown {
  let i = 0;
  const err = (what: string): never => {
    throw new Error(`expected ${what} at character ${i + 1} of ${JSON.stringify(text.length > 60 ? text.slice(0, 57) + "..." : text)}`);
  };
  const space = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const value = (): unknown => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      const out: Record<string, unknown> = {};
      space();
      if (text[i] === "}") { i++; return out; }
      for (;;) {
        const k = value();
        space();
        if (text[i] !== ":") err("':'");
        i++;
        out[String(k)] = value();
        space();
        if (text[i] === ",") { i++; space(); if (text[i] === "}") { i++; return out; } continue; }
        if (text[i] === "}") { i++; return out; }
        err("',' or '}'");
      }
    }
    if (c === "[" || c === "(") {
      const close = c === "[" ? "]" : ")";
      i++;
      const out: unknown[] = [];
      space();
      if (text[i] === close) { i++; return out; }
      for (;;) {
        out.push(value());
        space();
        if (text[i] === ",") { i++; space(); if (text[i] === close) { i++; return out; } continue; }
        if (text[i] === close) { i++; return out; }
        err(`',' or '${close}'`);
      }
    }
    if (c === "'" || c === '"') {
      i++;
      let s = "";
      while (i < text.length && text[i] !== c) {
        if (text[i] === "\\") {
          const e = text[++i];
          const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0" };
          if (e in simple) { s += simple[e]; i++; }
          else if (e === "x" || e === "u" || e === "U") {
            const len = e === "x" ? 2 : e === "u" ? 4 : 8;
            const hex = text.slice(i + 1, i + 1 + len);
            if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) err(`${len} hex digits`);
            s += String.fromCodePoint(parseInt(hex, 16));
            i += 1 + len;
          } else { s += "\\" + (e ?? ""); i++; }
        } else s += text[i++];
      }
      if (text[i] !== c) err(`a closing ${c}`);
      i++;
      return s;
    }
    const word = /^(True|False|None|true|false|null|-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(text.slice(i));
    if (!word) return err("a value");
    i += word[0].length;
    const w = word[0];
    return w === "True" || w === "true" ? true : w === "False" || w === "false" ? false : w === "None" || w === "null" ? null : Number(w);
  };
  const out = value();
  space();
  if (i !== text.length) err("the end");
  return out;
}
