// The body of `POST /releases`: the options of BlueGreenDeployment.release. The service checks only what the
// library cannot see (JSON, the fields this API has, `force`); the values themselves (strategy, release name, AMI
// id, instance type, capacity, steps, pause, batch, verify) are checked by the library's own validation (see
// `checkWithLibrary`), so the rules live in one place.
import type { BlueGreenDeployment, ReleaseOptions } from "phoenix-fleet";
import { AbortedError } from "phoenix-fleet";
import { BadRequestError } from "./httpStatus";

/** What a request may set: every option of a release but user data (a secret, not for a plain HTTP body). */
export type ReleaseRequest = Omit<ReleaseOptions, "signal" | "onProgress" | "userData">;

const FIELDS: readonly string[] = [
  "release",
  "imageId",
  "strategy",
  "steps",
  "pauseMs",
  "batch",
  "acceptDowntime",
  "verify",
  "instanceType",
  "capacity",
  "force",
];

/** Without a `strategy`: all the traffic at once after the health check. */
const DEFAULT_STRATEGY = "blue-green";

const show = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** Parse and check the request's shape; every problem at once. */
export function parseReleaseRequest(text: string): ReleaseRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError([`the body must be JSON (${(error as Error).message})`]);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new BadRequestError([
      `the body (${show(body)}) must be a JSON object with the fields ${FIELDS.join(", ")}`,
    ]);
  const fields = body as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(fields).filter((k) => !FIELDS.includes(k)))
    problems.push(
      `\`${key}\` (${show(fields[key])}) is not a field of a release: allowed are ${FIELDS.join(", ")}`,
    );
  if (fields.force !== undefined && typeof fields.force !== "boolean")
    problems.push(`\`force\` (${show(fields.force)}) must be true or false`);
  if (problems.length > 0) throw new BadRequestError(problems);
  return { strategy: DEFAULT_STRATEGY, ...fields } as ReleaseRequest;
}

/**
 * Check the values with the library's own validation, before anything starts: `release` checks every option
 * first, before it takes the lock or calls the engine, and a call whose signal is already aborted stops right
 * after that check (AbortedError). So it is called once with an aborted signal: it either throws
 * InvalidInputError, naming each field, its value and what is allowed, or changes nothing.
 */
export async function checkWithLibrary(
  deployment: BlueGreenDeployment,
  request: ReleaseRequest,
): Promise<void> {
  try {
    await deployment.release({ ...request, signal: AbortSignal.abort() });
  } catch (error) {
    if (error instanceof AbortedError) return;
    throw error;
  }
  throw new Error("BlueGreenDeployment ran a release whose signal was already aborted");
}
