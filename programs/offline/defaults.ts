// Defaults of `phoenix plan --offline`: a demo app in a demo env. Kept apart from the planner so the CLI can
// show them in --help without loading the Pulumi SDK.
import type { Colour } from "../contract";

export const PLAN_DEFAULTS = {
  app: "shop",
  env: "demo",
  release: "v1.0.0",
  imageId: "ami-0fa3fe0fa7920f68e",
  colour: "blue" as Colour,
  parentImage: "ami-0c02fb55956c7d316",
};
