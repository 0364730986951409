// When a `pulumi` command needs a secrets passphrase, and whether the environment it runs in gives one: the
// engine checks both before any command, so that a missing passphrase fails with the fix instead of in the
// middle of a workflow. Both answers follow the CLI (pulumi v3.274.0, module github.com/pulumi/pulumi/pkg/v3):
//
// - cmd/pulumi/stack/secrets.go:110-117 (createSecretsManagerForNewStack; the same at :52 for existing
//   stacks): a secrets provider "" or "default" is the backend's default manager, "passphrase" the passphrase
//   manager on any backend, anything else a cloud KMS URL. backend/diy/backend.go:1691-1695: a DIY
//   (self-managed) backend's default manager is the passphrase one. diy.IsDIYBackendURL (backend.go:203) takes
//   the go-cloud blob schemes (file, s3, gs, azblob); other URLs are Pulumi Cloud, whose default is the service.
// - secrets/passphrase/manager.go:383-402 (readPassphrase): PULUMI_CONFIG_PASSPHRASE counts whenever it is set,
//   even empty (os.LookupEnv); PULUMI_CONFIG_PASSPHRASE_FILE only when set and non-empty; otherwise a
//   non-interactive CLI fails with "passphrase must be set with PULUMI_CONFIG_PASSPHRASE or
//   PULUMI_CONFIG_PASSPHRASE_FILE environment variables". The file is read at filepath.Abs(name), that is from
//   the CLI's own directory (the workspace, `<projectDir>/.phoenix`), and an unreadable one fails the command
//   ("unable to read PULUMI_CONFIG_PASSPHRASE_FILE: …").
//
// The CLI's environment is the process's own with the engine's `envVars` over it: the SDK passes `envVars` to
// execa, which extends process.env with them (@pulumi/pulumi automation/localWorkspace.js runPulumiCmd,
// automation/cmd.js exec; execa's `extendEnv` defaults to true).
import * as fs from "fs";
import * as path from "path";

/** Backend URLs the CLI serves itself (DIY), as opposed to Pulumi Cloud's `https://…`. */
export function isSelfManagedBackend(backendUrl: string): boolean {
  return !/^https?:\/\//i.test(backendUrl);
}

/** Whether the stacks' secrets are encrypted with a passphrase (so that every command needs it). */
export function needsPassphrase(backendUrl: string, secretsProvider: string | undefined): boolean {
  const provider = secretsProvider ?? "";
  if (provider === "passphrase") return true;
  if (provider !== "" && provider !== "default") return false; // awskms://, gcpkms://, …
  return isSelfManagedBackend(backendUrl);
}

/**
 * What the CLI's environment needs beyond `envVars`: a relative PULUMI_CONFIG_PASSPHRASE_FILE made absolute
 * from this process's directory, where its user meant it, since the CLI would read it from the workspace.
 */
export function passphraseFileEnv(
  envVars: Record<string, string>,
  processEnv: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Record<string, string> {
  const file = { ...processEnv, ...envVars }.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (!file || path.isAbsolute(file)) return {};
  return { PULUMI_CONFIG_PASSPHRASE_FILE: path.resolve(cwd, file) };
}

/** Why the CLI would find no passphrase in its environment, or undefined when it finds one. */
export function missingPassphraseReason(
  envVars: Record<string, string>,
  processEnv: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const env: Record<string, string | undefined> = { ...processEnv, ...envVars };
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return undefined; // an empty one too: a deliberate choice
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file === undefined) return "neither PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set";
  if (file === "") {
    return (
      "PULUMI_CONFIG_PASSPHRASE is not set and PULUMI_CONFIG_PASSPHRASE_FILE is empty " +
      "(the Pulumi CLI ignores an empty file name)"
    );
  }
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return `PULUMI_CONFIG_PASSPHRASE_FILE (${file}) cannot be read (${code})`;
  }
  return undefined;
}
