// The records table: found, or created on first use (on-demand billing, so an idle table costs nothing).
import {
  CreateTableCommand,
  DescribeTableCommand,
  waitUntilTableExists,
  type DynamoDBClient,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { RecordStoreError } from "../../errors";

const KEY_SCHEMA = [
  { AttributeName: "pk", KeyType: "HASH" as const },
  { AttributeName: "sk", KeyType: "RANGE" as const },
];

async function describe(client: DynamoDBClient, table: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: table }))).Table;
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") return undefined;
    throw error;
  }
}

/** Whether `table` exists (for reads: a missing table means no records yet, and reading never creates it). */
export async function tableExists(client: DynamoDBClient, table: string, location: string): Promise<boolean> {
  try {
    return (await describe(client, table)) !== undefined;
  } catch (error) {
    throw new RecordStoreError(location, "find the table", error);
  }
}

/** Make sure `table` exists with Phoenix's key schema and is active; create it when missing. */
export async function ensureTable(client: DynamoDBClient, table: string, location: string): Promise<void> {
  let description: TableDescription | undefined;
  try {
    description = await describe(client, table);
    if (!description) {
      await client
        .send(
          new CreateTableCommand({
            TableName: table,
            AttributeDefinitions: [
              { AttributeName: "pk", AttributeType: "S" },
              { AttributeName: "sk", AttributeType: "S" },
            ],
            KeySchema: KEY_SCHEMA,
            BillingMode: "PAY_PER_REQUEST",
          }),
        )
        .catch((error: Error) => {
          // Another machine created it first: fine, it is the same table.
          if (error.name !== "ResourceInUseException") throw error;
        });
    }
    if (description?.TableStatus !== "ACTIVE") {
      await waitUntilTableExists(
        { client, maxWaitTime: 300, minDelay: 1, maxDelay: 5 },
        { TableName: table },
      );
      description = await describe(client, table);
    }
  } catch (error) {
    throw new RecordStoreError(location, "find or create the table", error);
  }
  const keys = (description?.KeySchema ?? []).map((key) => `${key.AttributeName}:${key.KeyType}`).join(",");
  if (keys !== "pk:HASH,sk:RANGE")
    throw new RecordStoreError(
      location,
      "use the table",
      new Error(
        `its key schema is ${keys || "unknown"}; Phoenix needs pk (string, HASH) and sk (string, RANGE)`,
      ),
    );
}
