// phoenix-fleet: the package root. Component resources for your own Pulumi programs, the stack-role programs,
// and the blue/green workflows to embed in other services.
export * from "./components";
export {
  PROGRAMS,
  runConfiguredRole,
  fleetProgram,
  goldenAmiProgram,
  networkProgram,
  routerProgram,
  type Program,
} from "./programs";
export {
  COLOURS,
  ROLES,
  otherColour,
  stackName,
  type Colour,
  type Role,
  type StackPart,
  type FleetOutputs,
  type NetworkOutputs,
  type RouterOutputs,
  type GoldenAmiOutputs,
} from "./programs/contract";
export * from "./automation";
