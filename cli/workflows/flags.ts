// Parsing and checking the workflow commands' flags before any engine call. Every problem is collected
// (each naming the option, the value received and what is allowed) and reported at once as exit code 2.
// Names, releases, AMI ids and alarm names go through the library's own checks, so the CLI and the
// library never disagree on what is valid.
import { readFile } from "fs/promises";
import * as path from "path";
import { MAX_DURATION_MS, Problems } from "../../automation/validate";
import type { NetworkVpc } from "../../automation/errors";
import { ProjectNotFoundError } from "../../automation/localWorkspace/errors";
import {
  backendUrlProblem,
  defaultBackendUrl,
  findProjectDir,
  isDirectory,
  isProjectDir,
} from "../../automation/localWorkspace/project";
import { parseRecordsUrl, RECORDS_ALLOWED } from "../../automation/records/url";
import type { Capacity } from "../../automation/types";
import { CliError, EXIT } from "../exitCodes";
import type { DeploymentSettings } from "./context";
import { existingVpcFromFlags, type VpcFlags } from "./vpcFlags";

/** The options every workflow command takes. */
export interface CommonFlags {
  app?: string;
  env?: string;
  backend?: string;
  records?: string;
  projectDir?: string;
  region?: string;
  json?: boolean;
  yes?: boolean;
  keepWarm?: string;
  healthTimeout?: string;
}

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const DURATION_PART = /(\d+)(ms|s|m|h|d)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_ALLOWED = "must be a duration such as 500ms, 30s, 5m, 1h or 1h30m (at most 7 days)";

/**
 * Collects the problems of one command line; `done()` throws them all as one CliError (exit 2), else the
 * refusal of a command run outside any project.
 */
export class FlagParser {
  private readonly problems = new Problems();
  private missingProject?: ProjectNotFoundError;

  get list(): readonly string[] {
    return this.problems.list;
  }

  add(option: string, value: unknown, allowed: string): void {
    this.problems.add(option, value, allowed);
  }

  required(option: string, value: string | undefined, what: string): string | undefined {
    if (value === undefined || value === "") {
      this.problems.list.push(`\`${option}\` is required: ${what}`);
      return undefined;
    }
    return value;
  }

  /** `30s`, `5m`, `1h30m`, `500ms`, `0` → milliseconds. */
  duration(option: string, raw: string | undefined): number | undefined {
    if (raw === undefined) return undefined;
    const text = raw.trim();
    if (text === "0") return 0;
    const parts = [...text.matchAll(DURATION_PART)];
    const covered = parts.map((p) => p[0]).join("") === text;
    const ms = parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit], 0);
    if (parts.length === 0 || !covered || ms > MAX_DURATION_MS) {
      this.add(option, raw, DURATION_ALLOWED);
      return undefined;
    }
    return ms;
  }

  integer(option: string, raw: string | undefined, min: number, max: number): number | undefined {
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
      this.add(option, raw, `must be a whole number from ${min} to ${max}`);
      return undefined;
    }
    return value;
  }

  /** `10,50,100` → [10, 50, 100]: integer percentages, strictly increasing, ending at 100. */
  steps(option: string, raw: string | undefined): number[] | undefined {
    if (raw === undefined) return undefined;
    const parts = raw.split(",").map((p) => p.trim());
    const steps = parts.map(Number);
    const valid =
      parts.length <= 20 &&
      parts.every((p) => /^\d+$/.test(p)) &&
      steps.every((w, i) => w >= 1 && w <= 100 && (i === 0 || w > steps[i - 1])) &&
      steps[steps.length - 1] === 100;
    if (!valid) {
      this.add(
        option,
        raw,
        "must be comma-separated integer percentages from 1 to 100, strictly increasing and ending at 100 " +
          "(at most 20), such as 10,50,100",
      );
      return undefined;
    }
    return steps;
  }

  name(option: string, value: string | undefined): void {
    if (value !== undefined) this.problems.name(option, value);
  }

  release(option: string, value: string | undefined): void {
    if (value !== undefined) this.problems.release(option, value);
  }

  imageId(option: string, value: string | undefined): void {
    if (value !== undefined) this.problems.imageId(option, value);
  }

  instanceType(option: string, value: string | undefined): void {
    this.problems.instanceType(option, value);
  }

  colour(option: string, value: string | undefined): void {
    if (value !== undefined) this.problems.colour(option, value);
  }

  alarms(option: string, names: string[] | undefined): string[] | undefined {
    if (names === undefined || names.length === 0) return undefined;
    for (const name of names) {
      if (name.length < 1 || name.length > 255)
        this.add(option, name, "must be a CloudWatch alarm name of 1–255 characters");
    }
    if (names.length > 100) this.add(option, `${names.length} alarms`, "may be given at most 100 times");
    return names;
  }

  /** `--min/--max/--desired`: any one given fills the others from the fleet defaults (1, 3, 2) around it. */
  capacity(raw: { min?: string; max?: string; desired?: string }): Capacity | undefined {
    if (raw.min === undefined && raw.max === undefined && raw.desired === undefined) return undefined;
    const given = {
      min: this.integer("--min", raw.min, 0, 1000),
      max: this.integer("--max", raw.max, 1, 1000),
      desired: this.integer("--desired", raw.desired, 1, 1000),
    };
    const bad = (key: "min" | "max" | "desired") => raw[key] !== undefined && given[key] === undefined;
    if (bad("min") || bad("max") || bad("desired")) return undefined;
    const min = given.min ?? Math.min(1, given.desired ?? 1, given.max ?? 1);
    const max = given.max ?? Math.max(3, given.desired ?? 0, min);
    const desired = given.desired ?? Math.min(Math.max(2, min), max);
    if (min > max) {
      this.add("--min", min, `must not exceed \`--max\` (${max})`);
    } else if (desired < min || desired > max) {
      this.add("--desired", desired, `must be between \`--min\` (${min}) and \`--max\` (${max})`);
    }
    return { min, max, desired };
  }

  /** `--vpc-id`, `--public-subnets`, `--private-subnets` (or their PHOENIX_ variables): an existing VPC. */
  existingVpc(flags: VpcFlags): NetworkVpc | undefined {
    const { vpc, problems } = existingVpcFromFlags(flags, true);
    this.problems.list.push(...problems);
    return vpc;
  }

  /** Contents of a file (or standard input for `-`), for `--user-data`. */
  async file(
    option: string,
    path: string | undefined,
    readStdin: () => Promise<string>,
  ): Promise<string | undefined> {
    if (path === undefined) return undefined;
    try {
      return path === "-" ? await readStdin() : await readFile(path, "utf8");
    } catch (error) {
      this.add(
        option,
        path,
        `must be a readable file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
      return undefined;
    }
  }

  /**
   * The project directory: `--project-dir` (or PHOENIX_PROJECT), else the nearest of `cwd` and its ancestors
   * that holds `.phoenix/`. With `createsProject` (bootstrap), a directory without one is where it is
   * created (`cwd` when none was found nor given); other commands are refused, naming where they looked.
   */
  projectDir(given: string | undefined, cwd: string, createsProject: boolean): string {
    if (given !== undefined) {
      const dir = path.resolve(cwd, given);
      if (given === "" || !isDirectory(dir)) {
        this.add(
          "--project-dir",
          given,
          "must be an existing directory (the one that holds, or will hold, .phoenix/)",
        );
      } else if (!createsProject && !isProjectDir(dir)) {
        this.missingProject = new ProjectNotFoundError([dir], true);
      }
      return dir;
    }
    const search = findProjectDir(cwd);
    if (search.found !== undefined) return search.found;
    if (!createsProject) this.missingProject = new ProjectNotFoundError(search.searched);
    return path.resolve(cwd);
  }

  /** The app/env, project, backend, region and deployment timings every command shares. */
  settings(flags: CommonFlags, { createsProject = false, cwd = process.cwd() } = {}): DeploymentSettings {
    const app = this.required(
      "--app",
      flags.app,
      "the application name, part of every stack name, such as `--app shop` (or set PHOENIX_APP)",
    );
    const env = this.required(
      "--env",
      flags.env,
      "the environment name, part of every stack name, such as `--env prod` (or set PHOENIX_ENV)",
    );
    this.name("--app", app);
    this.name("--env", env);
    const backendProblem = flags.backend === undefined ? undefined : backendUrlProblem(flags.backend);
    if (backendProblem !== undefined) this.add("--backend", flags.backend, backendProblem);
    const records = flags.records === undefined ? { kind: "file" as const } : parseRecordsUrl(flags.records);
    if (records === undefined) this.add("--records", flags.records, RECORDS_ALLOWED);
    const projectDir = this.projectDir(flags.projectDir, cwd, createsProject);
    if (flags.region !== undefined && !AWS_REGION.test(flags.region)) {
      this.add("--region", flags.region, "must be an AWS region such as us-east-1 or eu-west-3");
    }
    return {
      app: app ?? "",
      env: env ?? "",
      projectDir,
      backendUrl: flags.backend ?? defaultBackendUrl(projectDir),
      records: records ?? { kind: "file" },
      region: flags.region,
      keepWarmMs: this.duration("--keep-warm", flags.keepWarm),
      healthTimeoutMs: this.duration("--health-timeout", flags.healthTimeout),
    };
  }

  done(): void {
    if (this.problems.list.length > 0) {
      throw new CliError(
        `invalid input, nothing was changed:\n${this.problems.list.map((p) => `  - ${p}`).join("\n")}`,
        EXIT.badInput,
      );
    }
    if (this.missingProject) throw this.missingProject;
  }
}
