// aws:ec2/keyPair:KeyPair: never in Phoenix's programs (the policy pack forbids key pairs), served so that the
// engine suite can show the pack refusing one, and so that an advisory run can create and delete it.
import { aws, isAwsError, PARTITION, region, sdk, accountId } from "../context";
import type { ResourceType } from "../resourceType";
import { compact, tagList, tagMap } from "../values";

async function describe(name: string) {
  try {
    const { KeyPairs = [] } = await aws
      .ec2()
      .send(new (sdk.ec2().DescribeKeyPairsCommand)({ KeyNames: [name] }));
    return KeyPairs[0];
  } catch (error) {
    if (isAwsError(error, "InvalidKeyPair.NotFound")) return undefined;
    throw error;
  }
}

export const keyPair: ResourceType = {
  token: "aws:ec2/keyPair:KeyPair",
  autoName: { maxLength: 255, property: "keyName" },

  async create(inputs) {
    const name = String(inputs.keyName);
    await aws.ec2().send(
      new (sdk.ec2().ImportKeyPairCommand)({
        KeyName: name,
        PublicKeyMaterial: Buffer.from(String(inputs.publicKey)),
        TagSpecifications: inputs.tags
          ? [{ ResourceType: "key-pair", Tags: tagList(inputs.tags) }]
          : undefined,
      }),
    );
    return { id: name, outs: (await keyPair.read(name, inputs))! };
  },

  async read(id, previous) {
    const k = await describe(id);
    if (!k) return undefined;
    const tags = tagMap(k.Tags);
    return compact({
      arn: `arn:${PARTITION}:ec2:${region()}:${await accountId()}:key-pair/${id}`,
      fingerprint: k.KeyFingerprint,
      keyName: k.KeyName,
      keyNamePrefix: previous.keyNamePrefix ?? "",
      keyPairId: k.KeyPairId,
      keyType: k.KeyType ?? "rsa",
      publicKey: previous.publicKey,
      region: region(),
      tags,
      tagsAll: tags,
    });
  },

  async update(id, _olds, news) {
    // Tags only (ec2_key_pair.go resourceKeyPairUpdate).
    if (news.tags) {
      const { KeyPairs = [] } = await aws
        .ec2()
        .send(new (sdk.ec2().DescribeKeyPairsCommand)({ KeyNames: [id] }));
      const resource = KeyPairs[0]?.KeyPairId;
      if (resource) {
        await aws
          .ec2()
          .send(new (sdk.ec2().CreateTagsCommand)({ Resources: [resource], Tags: tagList(news.tags) }));
      }
    }
    return (await keyPair.read(id, news))!;
  },

  async delete(id) {
    await aws.ec2().send(new (sdk.ec2().DeleteKeyPairCommand)({ KeyName: id }));
  },
};
