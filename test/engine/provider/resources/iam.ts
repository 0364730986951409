// aws:iam/role:Role, aws:iam/instanceProfile:InstanceProfile, aws:iam/rolePolicyAttachment:RolePolicyAttachment.
import { randomBytes } from "crypto";
import { aws, isAwsError, sdk } from "../context";
import type { ResourceType } from "../resourceType";
import { compact, num, str, tagList, tagMap } from "../values";

const NOT_FOUND = "NoSuchEntityException";

async function getRole(name: string) {
  try {
    return (await aws.iam().send(new (sdk.iam().GetRoleCommand)({ RoleName: name }))).Role;
  } catch (error) {
    if (isAwsError(error, NOT_FOUND, "NoSuchEntity")) return undefined;
    throw error;
  }
}

async function attachedPolicies(role: string): Promise<string[]> {
  const { AttachedPolicies = [] } = await aws
    .iam()
    .send(new (sdk.iam().ListAttachedRolePoliciesCommand)({ RoleName: role }));
  return AttachedPolicies.map((p) => p.PolicyArn ?? "");
}

export const role: ResourceType = {
  token: "aws:iam/role:Role",
  autoName: { maxLength: 64 },
  defaults: { path: "/", maxSessionDuration: 3600, forceDetachPolicies: false },

  async create(inputs) {
    await aws.iam().send(
      new (sdk.iam().CreateRoleCommand)({
        RoleName: String(inputs.name),
        AssumeRolePolicyDocument: String(inputs.assumeRolePolicy),
        Description: str(inputs.description),
        Path: str(inputs.path),
        MaxSessionDuration: num(inputs.maxSessionDuration),
        PermissionsBoundary: str(inputs.permissionsBoundary),
        Tags: inputs.tags ? tagList(inputs.tags) : undefined,
      }),
    );
    const id = String(inputs.name);
    return { id, outs: (await role.read(id, inputs))! };
  },

  async read(id, previous) {
    const r = await getRole(id);
    if (!r) return undefined;
    const tags = tagMap(r.Tags);
    return compact({
      arn: r.Arn,
      assumeRolePolicy: decodeURIComponent(r.AssumeRolePolicyDocument ?? ""),
      createDate: r.CreateDate?.toISOString(),
      description: r.Description ?? "",
      forceDetachPolicies: previous.forceDetachPolicies ?? false,
      managedPolicyArns: await attachedPolicies(id),
      maxSessionDuration: r.MaxSessionDuration ?? 3600,
      name: r.RoleName,
      namePrefix: previous.namePrefix ?? "",
      path: r.Path,
      permissionsBoundary: r.PermissionsBoundary?.PermissionsBoundaryArn,
      tags,
      tagsAll: tags,
      uniqueId: r.RoleId,
    });
  },

  async update(id, olds, news) {
    const iam = sdk.iam();
    if (news.assumeRolePolicy !== olds.assumeRolePolicy) {
      await aws.iam().send(
        new iam.UpdateAssumeRolePolicyCommand({
          RoleName: id,
          PolicyDocument: String(news.assumeRolePolicy),
        }),
      );
    }
    await aws.iam().send(
      new iam.UpdateRoleCommand({
        RoleName: id,
        Description: str(news.description) ?? "",
        MaxSessionDuration: num(news.maxSessionDuration),
      }),
    );
    const before = (olds.tags ?? {}) as Record<string, string>;
    const after = (news.tags ?? {}) as Record<string, string>;
    const removed = Object.keys(before).filter((k) => !(k in after));
    if (removed.length > 0)
      await aws.iam().send(new iam.UntagRoleCommand({ RoleName: id, TagKeys: removed }));
    if (Object.keys(after).length > 0)
      await aws.iam().send(new iam.TagRoleCommand({ RoleName: id, Tags: tagList(after) }));
    return (await role.read(id, news))!;
  },

  async delete(id, olds) {
    const iam = sdk.iam();
    if (!(await getRole(id))) return;
    // Terraform's DeleteRole takes the role out of its instance profiles first, and detaches managed
    // policies only with force_detach_policies.
    const { InstanceProfiles = [] } = await aws
      .iam()
      .send(new iam.ListInstanceProfilesForRoleCommand({ RoleName: id }));
    for (const p of InstanceProfiles) {
      await aws.iam().send(
        new iam.RemoveRoleFromInstanceProfileCommand({
          RoleName: id,
          InstanceProfileName: p.InstanceProfileName,
        }),
      );
    }
    if (olds.forceDetachPolicies === true) {
      for (const PolicyArn of await attachedPolicies(id)) {
        await aws.iam().send(new iam.DetachRolePolicyCommand({ RoleName: id, PolicyArn }));
      }
    }
    await aws.iam().send(new iam.DeleteRoleCommand({ RoleName: id }));
  },
};

async function getProfile(name: string) {
  try {
    return (await aws.iam().send(new (sdk.iam().GetInstanceProfileCommand)({ InstanceProfileName: name })))
      .InstanceProfile;
  } catch (error) {
    if (isAwsError(error, NOT_FOUND, "NoSuchEntity")) return undefined;
    throw error;
  }
}

export const instanceProfile: ResourceType = {
  token: "aws:iam/instanceProfile:InstanceProfile",
  autoName: { maxLength: 128 },
  defaults: { path: "/" },

  async create(inputs) {
    const iam = sdk.iam();
    const name = String(inputs.name);
    await aws.iam().send(
      new iam.CreateInstanceProfileCommand({
        InstanceProfileName: name,
        Path: str(inputs.path),
        Tags: inputs.tags ? tagList(inputs.tags) : undefined,
      }),
    );
    if (inputs.role) {
      await aws.iam().send(
        new iam.AddRoleToInstanceProfileCommand({
          InstanceProfileName: name,
          RoleName: String(inputs.role),
        }),
      );
    }
    return { id: name, outs: (await instanceProfile.read(name, inputs))! };
  },

  async read(id, previous) {
    const p = await getProfile(id);
    if (!p) return undefined;
    const tags = tagMap(p.Tags);
    return compact({
      arn: p.Arn,
      createDate: p.CreateDate?.toISOString(),
      name: p.InstanceProfileName,
      namePrefix: previous.namePrefix ?? "",
      path: p.Path,
      role: p.Roles?.[0]?.RoleName,
      tags,
      tagsAll: tags,
      uniqueId: p.InstanceProfileId,
    });
  },

  async update(id, olds, news) {
    const iam = sdk.iam();
    if (olds.role !== news.role) {
      if (olds.role) {
        await aws.iam().send(
          new iam.RemoveRoleFromInstanceProfileCommand({
            InstanceProfileName: id,
            RoleName: String(olds.role),
          }),
        );
      }
      if (news.role) {
        await aws
          .iam()
          .send(
            new iam.AddRoleToInstanceProfileCommand({ InstanceProfileName: id, RoleName: String(news.role) }),
          );
      }
    }
    if (news.tags)
      await aws
        .iam()
        .send(new iam.TagInstanceProfileCommand({ InstanceProfileName: id, Tags: tagList(news.tags) }));
    return (await instanceProfile.read(id, news))!;
  },

  async delete(id) {
    const iam = sdk.iam();
    const p = await getProfile(id);
    if (!p) return;
    for (const r of p.Roles ?? []) {
      await aws
        .iam()
        .send(
          new iam.RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: id, RoleName: r.RoleName }),
        );
    }
    await aws.iam().send(new iam.DeleteInstanceProfileCommand({ InstanceProfileName: id }));
  },
};

export const rolePolicyAttachment: ResourceType = {
  token: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",

  async create(inputs) {
    await aws.iam().send(
      new (sdk.iam().AttachRolePolicyCommand)({
        RoleName: String(inputs.role),
        PolicyArn: String(inputs.policyArn),
      }),
    );
    // Terraform's id: resource.PrefixedUniqueId("<role>-") (role_policy_attachment.go).
    const id = `${inputs.role}-${Date.now()}${randomBytes(4).toString("hex")}`;
    return { id, outs: { role: inputs.role, policyArn: inputs.policyArn } };
  },

  async read(_id, previous) {
    if (!(await getRole(String(previous.role)))) return undefined;
    const attached = await attachedPolicies(String(previous.role));
    if (!attached.includes(String(previous.policyArn))) return undefined;
    return { role: previous.role, policyArn: previous.policyArn };
  },

  async update(_id, _olds, news) {
    return { role: news.role, policyArn: news.policyArn };
  },

  async delete(_id, olds) {
    try {
      await aws.iam().send(
        new (sdk.iam().DetachRolePolicyCommand)({
          RoleName: String(olds.role),
          PolicyArn: String(olds.policyArn),
        }),
      );
    } catch (error) {
      if (!isAwsError(error, NOT_FOUND, "NoSuchEntity")) throw error;
    }
  },
};
