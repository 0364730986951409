// Root hooks of the engine suite: one rig (`.rig/engine-suite`) for the whole run, started fresh (a new,
// empty emulator and backend) and stopped at the end, also when a test fails or the run is interrupted.
// The rig's environment becomes this process's, so that the Automation API's inline programs, the `pulumi`
// children and any `phoenix` child process all run inside it.
import type { Rig } from "../../scripts/rig/rig";
import { LANGUAGE_HOST_MISSING, startRig, stopRig } from "../../scripts/rig/rig";

/** `PHOENIX_ENGINE_RIG` names another rig, so that two runs of the suite on one machine do not stop each other's. */
export const RIG_NAME = process.env.PHOENIX_ENGINE_RIG ?? "engine-suite";

let current: Rig | undefined;

/** The rig of this run; only inside tests (the root hook starts it first). */
export function rig(): Rig {
  if (!current)
    throw new Error("the engine suite's rig is not started: run the suite with `npm run test:engine`");
  return current;
}

function stopOnExit(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void stopRig(RIG_NAME).finally(() => process.exit(130));
    });
  }
}

/**
 * Skip the calling suite when the Node.js language host is missing, saying why: the Phoenix policy pack (on by
 * default in every `phoenix` command) and plain `pulumi up` run through it.
 */
export function requireLanguageHost(context: Mocha.Context): void {
  if (rig().languageHost) return;
  console.log(`    skipped: the Node.js language host is ${LANGUAGE_HOST_MISSING}`);
  context.skip();
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60 * 60 * 1000); // a cold cache builds the Pulumi CLI from source
    await stopRig(RIG_NAME);
    stopOnExit();
    current = await startRig(RIG_NAME);
    Object.assign(process.env, current.env);
    console.log(
      `engine suite: pulumi ${current.pulumiVersion}, AWS API ${current.endpoint} (moto), ` +
        `Node.js language host ${current.languageHost ? "built" : LANGUAGE_HOST_MISSING}`,
    );
  },
  async afterAll() {
    await stopRig(RIG_NAME);
  },
};
