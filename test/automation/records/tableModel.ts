// A DynamoDB table in memory behind aws-sdk-client-mock, for the record store's fault tests: the calls the
// store makes (GetItem, PutItem, Query, TransactWriteItems, DescribeTable, CreateTable) with the condition
// expressions it writes, answered the way DynamoDB documents them (all-or-nothing transactions whose
// cancellation reasons are in request order, "None" for items without error; Query pages). The rig's race
// test runs the same store against moto's DynamoDB, which is the judge of whether this model is right.
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";

type Item = Record<string, AttributeValue>;
type Values = Record<string, AttributeValue> | undefined;
type Names = Record<string, string> | undefined;

export type CallName =
  "GetItem" | "PutItem" | "Query" | "TransactWriteItems" | "DescribeTable" | "CreateTable";

/** A fault for one call: thrown before it takes effect, or after (its answer lost, as on a timeout). */
export type Fault = { when: "before" | "after"; error: Error };

const same = (a: AttributeValue | undefined, b: AttributeValue | undefined) =>
  JSON.stringify(a) === JSON.stringify(b);

/** The clauses the store writes: `attribute_not_exists(a)` and `a = :v`, joined by AND. */
function holds(
  item: Item | undefined,
  expression: string | undefined,
  values: Values,
  names: Names,
): boolean {
  if (expression === undefined) return true;
  return expression.split(" AND ").every((clause) => {
    const notExists = /^attribute_not_exists\((\S+)\)$/.exec(clause.trim());
    if (notExists) return item === undefined || item[names?.[notExists[1]] ?? notExists[1]] === undefined;
    const equals = /^(\S+) = (:\w+)$/.exec(clause.trim());
    if (!equals) throw new Error(`tableModel: unsupported condition ${clause}`);
    return item !== undefined && same(item[names?.[equals[1]] ?? equals[1]], values?.[equals[2]]);
  });
}

export class TableModel {
  readonly items = new Map<string, Item>();
  readonly calls: CallName[] = [];
  /** Every call with its input, in order. */
  readonly inputs: { name: CallName; input: unknown }[] = [];
  exists = false;
  /** Items per Query page (small, so that the store's paging is exercised). */
  pageSize = 3;
  /** Faults by call index (0-based, over every call). */
  readonly faults = new Map<number, Fault>();
  /** Called as each call is answered (before its effect): a slow network, another machine acting meanwhile. */
  onCall: ((name: CallName, input: unknown) => void) | undefined;
  readonly client = new DynamoDBClient({ region: "us-east-1" });
  private readonly mock = mockClient(this.client);

  constructor() {
    this.route(GetItemCommand, "GetItem", (input) => ({ Item: this.items.get(this.key(input.Key!)) }));
    this.route(PutItemCommand, "PutItem", (input) => {
      const key = this.key(input.Item!);
      const names = input.ExpressionAttributeNames;
      if (!holds(this.items.get(key), input.ConditionExpression, input.ExpressionAttributeValues, names))
        throw new ConditionalCheckFailedException({
          message: "The conditional request failed",
          $metadata: {},
        });
      this.items.set(key, input.Item!);
      return {};
    });
    this.route(QueryCommand, "Query", (input) => this.query(input));
    this.route(TransactWriteItemsCommand, "TransactWriteItems", (input) => {
      const reasons = input.TransactItems!.map((entry) => {
        const check = entry.ConditionCheck ?? entry.Put!;
        const key = this.key(entry.ConditionCheck ? entry.ConditionCheck.Key! : entry.Put!.Item!);
        const ok = holds(
          this.items.get(key),
          check.ConditionExpression,
          check.ExpressionAttributeValues,
          check.ExpressionAttributeNames,
        );
        return { Code: ok ? "None" : "ConditionalCheckFailed" };
      });
      if (reasons.some((reason) => reason.Code !== "None"))
        throw new TransactionCanceledException({
          message: "Transaction cancelled",
          $metadata: {},
          CancellationReasons: reasons,
        });
      for (const entry of input.TransactItems!)
        if (entry.Put) this.items.set(this.key(entry.Put.Item!), entry.Put.Item!);
      return {};
    });
    this.route(DescribeTableCommand, "DescribeTable", (input) => {
      if (!this.exists)
        throw new ResourceNotFoundException({ message: `Table ${input.TableName} not found`, $metadata: {} });
      return {
        Table: {
          TableName: input.TableName,
          TableStatus: "ACTIVE",
          KeySchema: [
            { AttributeName: "pk", KeyType: "HASH" },
            { AttributeName: "sk", KeyType: "RANGE" },
          ],
        },
      };
    });
    this.route(CreateTableCommand, "CreateTable", () => {
      this.exists = true;
      return {};
    });
  }

  /** The item under a partition and sort key. */
  get(pk: string, sk: string): Item | undefined {
    return this.items.get(`${pk}\u0000${sk}`);
  }

  set(item: Item): void {
    this.items.set(this.key(item), item);
  }

  restore(): void {
    this.mock.restore();
  }

  private key(item: Item): string {
    return `${item.pk.S}\u0000${item.sk.S}`;
  }

  private query(input: QueryCommand["input"]): { Items: Item[]; LastEvaluatedKey?: Item } {
    const pk = input.ExpressionAttributeValues![":pk"].S!;
    const prefix = input.ExpressionAttributeValues![":records"].S!;
    let rows = [...this.items.values()]
      .filter((item) => item.pk.S === pk && item.sk.S!.startsWith(prefix))
      .sort((a, b) => (a.sk.S! < b.sk.S! ? -1 : 1));
    if (input.ScanIndexForward === false) rows.reverse();
    if (input.ExclusiveStartKey)
      rows = rows.slice(rows.findIndex((row) => row.sk.S === input.ExclusiveStartKey!.sk.S) + 1);
    const limit = Math.min(input.Limit ?? Infinity, this.pageSize);
    const page = rows.slice(0, limit);
    const more = rows.length > limit;
    return {
      Items: page,
      ...(more ? { LastEvaluatedKey: { pk: page[limit - 1].pk, sk: page[limit - 1].sk } } : {}),
    };
  }

  private route<I extends object, O>(
    command: new (input: I) => { input: I },
    name: CallName,
    answer: (input: I) => O,
  ): void {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (this.mock.on(command as any) as any).callsFake(async (input: I) => {
      const index = this.calls.push(name) - 1;
      this.inputs.push({ name, input });
      const fault = this.faults.get(index);
      this.onCall?.(name, input);
      if (fault?.when === "before") throw fault.error;
      const result = answer(input);
      if (fault?.when === "after") throw fault.error;
      return result;
    });
  }
}
