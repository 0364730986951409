// Loaded by mocha before any test file (see .mocharc.json).
// An unhandled rejection anywhere (a Pulumi output that failed with nobody listening) fails the run loudly.
process.on("unhandledRejection", (reason) => {
  throw reason;
});
