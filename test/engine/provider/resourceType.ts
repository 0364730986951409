// The contract every served resource type fulfils. Outputs always include the inputs' shape (as pulumi-aws
// returns them), built from what the emulator reports, so that Diff can compare live against desired.
import type { Props } from "./values";

export interface ResourceType {
  /** The Pulumi type token, e.g. "aws:lb/listener:Listener". */
  readonly token: string;
  /**
   * Auto-naming of the `name` input when the program gives none (pulumi-aws names resources
   * `<logical name>-<7 hex>`); absent for types whose name is not a physical name.
   */
  readonly autoName?: { maxLength: number; property?: string };
  /** Defaults the real provider fills in at Check (Terraform schema `Default`), in inputs' shape. */
  readonly defaults?: Props;
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  /** The live outputs, or undefined when the resource no longer exists. `previous` are the last outputs. */
  read(id: string, previous: Props): Promise<Props | undefined>;
  update(id: string, olds: Props, news: Props): Promise<Props>;
  delete(id: string, olds: Props): Promise<void>;
}
