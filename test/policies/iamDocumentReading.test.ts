// Reading IAM documents for no-remote-shell (policies/lib/iamDocument.ts): which Session Manager actions a
// document allows, whether a trust policy lets EC2 assume the role, which managed policies are AWS's SSM ones,
// and what a document that can't be fully read decides (a grant found decides; nothing found is undecided).
import { strict as assert } from "assert";
import { readableInputs } from "../../policies/lib/guard";
import {
  sessionManagerActionsAllowed,
  sessionManagerManagedPolicy,
  trustsService,
} from "../../policies/lib/iamDocument";
import { isUnreadable } from "../../policies/lib/unreadable";
import { UNKNOWN } from "./harness";

const ALL_FOUR = [
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
];

/** The document as `phoenix check` reads it: guarded, so an unknown in it can't be read. */
function offline(policy: unknown): () => unknown {
  const inputs = readableInputs({ policy });
  return () => inputs.policy;
}

/** What sessionManagerActionsAllowed gives: the actions, or the words of the value it could not read. */
function allowed(policy: unknown): string[] | string {
  const actions = sessionManagerActionsAllowed(offline(policy));
  return isUnreadable(actions) ? String(actions) : actions;
}

function trusted(policy: unknown): boolean | string {
  const result = trustsService(offline(policy), "ec2.amazonaws.com");
  return isUnreadable(result) ? String(result) : result;
}

const NOT_KNOWN = "a value not known until apply";

describe("Session Manager actions a document allows", () => {
  it("an action with a regular-expression character in it is literal: Open+DataChannel names nothing", () => {
    assert.deepEqual(
      allowed({ Statement: [{ Effect: "Allow", Action: "ssmmessages:Open+DataChannel" }] }),
      [],
    );
    assert.deepEqual(
      allowed({ Statement: [{ Effect: "Allow", Action: "ssmmessages:Open.ataChannel" }] }),
      [],
    );
  });

  it("skips a statement that is not an object", () => {
    assert.deepEqual(
      allowed({ Statement: [null, 5, { Effect: "Allow", Action: "ssmmessages:*" }] }),
      ALL_FOUR,
    );
  });

  it("reads a lone action that is not a string as its text", () => {
    assert.deepEqual(allowed({ Statement: [{ Effect: "Allow", Action: 5 }] }), []);
  });

  const undecided: Array<[string, unknown]> = [
    ["the whole document unknown", UNKNOWN],
    ["its statements unknown", { Statement: UNKNOWN }],
    ["a statement unknown", { Statement: [UNKNOWN] }],
    ["a statement's Effect unknown", { Statement: [{ Effect: UNKNOWN, Action: "ssmmessages:*" }] }],
    ["a statement's Action unknown", { Statement: [{ Effect: "Allow", Action: UNKNOWN }] }],
    ["one action of a list unknown", { Statement: [{ Effect: "Allow", Action: ["s3:GetObject", UNKNOWN] }] }],
  ];
  for (const [title, policy] of undecided) {
    it(`can't tell with ${title} and nothing else allowed`, () => {
      assert.equal(allowed(policy), NOT_KNOWN);
    });
  }

  it("a grant found decides, whatever another statement holds that can't be read", () => {
    const policy = {
      Statement: [
        { Effect: "Allow", Action: UNKNOWN },
        { Effect: UNKNOWN, Action: "s3:*" },
        { Effect: "Allow", Action: "ssmmessages:Create*" },
      ],
    };
    assert.deepEqual(allowed(policy), ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel"]);
  });
});

describe("whether a trust policy lets EC2 assume the role", () => {
  it("can't tell when the principal's service can't be read and no other statement trusts EC2", () => {
    assert.equal(trusted({ Statement: [{ Effect: "Allow", Principal: { Service: UNKNOWN } }] }), NOT_KNOWN);
    assert.equal(trusted(UNKNOWN), NOT_KNOWN);
    assert.equal(
      trusted({ Statement: [{ Effect: UNKNOWN, Principal: { Service: "ec2.amazonaws.com" } }] }),
      NOT_KNOWN,
    );
  });

  it("trusts EC2 when one statement says so, whatever another holds that can't be read", () => {
    const policy = {
      Statement: [
        { Effect: "Allow", Principal: { Service: UNKNOWN } },
        { Effect: "Allow", Principal: { Service: "EC2.amazonaws.com" } },
      ],
    };
    assert.equal(trusted(policy), true);
  });

  it("does not trust EC2 through a Deny, nor a service it does not name", () => {
    assert.equal(
      trusted({ Statement: [{ Effect: "Deny", Principal: { Service: "ec2.amazonaws.com" } }] }),
      false,
    );
    assert.equal(
      trusted({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" } }] }),
      false,
    );
  });
});

describe("AWS managed Session Manager policies, by ARN", () => {
  const table: Array<[string, unknown, string | undefined]> = [
    [
      "AWS's, in the aws partition",
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      "AmazonSSMManagedInstanceCore",
    ],
    [
      "AWS's, service-role path, GovCloud, any case",
      "arn:aws-us-gov:iam::aws:policy/service-role/amazonec2roleforssm",
      "AmazonEC2RoleforSSM",
    ],
    [
      "a customer's policy of the same name",
      "arn:aws:iam::123456789012:policy/AmazonSSMManagedInstanceCore",
      undefined,
    ],
    [
      "text that only holds such an ARN",
      "see arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      undefined,
    ],
    ["another AWS managed policy", "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy", undefined],
    ["not a string", 5, undefined],
    ["a list holding such an ARN", ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"], undefined],
    ["absent", undefined, undefined],
  ];
  for (const [title, arn, expected] of table) {
    it(`${title}: ${expected ?? "none"}`, () => {
      assert.equal(sessionManagerManagedPolicy(arn), expected);
    });
  }
});
