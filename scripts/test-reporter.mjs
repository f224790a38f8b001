// A node:test reporter for scripts/test.sh: prints each failure the moment it arrives (file,
// test name, error), a dot for each passing top-level test, and one closing line
// "tests: P passed, F failed, S skipped" that scripts/test-stage.mjs reads. Used as
//   node --test --test-reporter=./scripts/test-reporter.mjs FILES
export default async function* failuresFirst(source) {
  let passed = 0, failed = 0, skipped = 0, dots = 0;
  for await (const { type, data } of source) {
    // What a test file wrote to stderr (a crash before any test, a warning) is shown as is.
    if (type === "test:stderr") { yield `${dots % 60 ? "\n" : ""}${data.message}`; dots = 0; continue; }
    if (type !== "test:pass" && type !== "test:fail") continue;
    // Suites pass or fail with their tests; count the tests only.
    if (data.details?.type === "suite") continue;
    if (data.skip || data.todo) { skipped++; continue; }
    if (type === "test:pass") {
      passed++;
      if (data.nesting === 0) { dots++; yield dots % 60 === 0 ? ".\n" : "."; }
      continue;
    }
    failed++;
    const error = data.details?.error;
    const cause = error?.cause ?? error;
    const message = (cause?.stack ?? cause?.message ?? String(cause)).split("\n").slice(0, 12).join("\n    ");
    yield `${dots % 60 ? "\n" : ""}FAIL ${data.file ?? ""} > ${data.name}\n    ${message}\n`;
    dots = 0;
  }
  yield `${dots % 60 ? "\n" : ""}tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`;
}
