// Runs collect() in a child process for the crash test: options come as JSON in argv[2].
import { collect } from "../../src/collect/collect";

collect({ ...JSON.parse(process.argv[2]), progress: false, log: (l: string) => void process.stderr.write(l + "\n") })
  .then((s) => { process.stdout.write(JSON.stringify({ written: s.written }) + "\n"); })
  .catch((e) => { process.stderr.write(String(e?.stack ?? e) + "\n"); process.exit(1); });
