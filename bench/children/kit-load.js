// The kit's load, one process a load, from the built kit (npm run build):
//   node bench/children/kit-load.js FILE [FIELD,FIELD...]
// Prints the row count. With fields, only those are read (LoadOptions.columns).
const { loadReceipts } = require("../../dist/io/load");
const [path, fields] = process.argv.slice(2);
loadReceipts(path, fields ? { columns: fields.split(",") } : {}).then((t) => console.log(t.numRows));
