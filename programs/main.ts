// Entry point of the root Pulumi.yaml: runs the program of the stack's `phoenix:role`.
// Exporting the promise makes its value the stack's outputs.
import { runConfiguredRole } from ".";

export = runConfiguredRole();
