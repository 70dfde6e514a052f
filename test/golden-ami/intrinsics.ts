/** A small simulation of CloudFormation's intrinsic functions, for tests that evaluate templates. */
type Json = unknown;

/** Evaluates the intrinsics CDK writes for names (Ref, Fn::GetAtt as `<id>.<attribute>`, Fn::Join, Fn::Select, Fn::Split). */
export function evaluate(value: Json, pseudo: { [name: string]: string }): Json {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => evaluate(v, pseudo));
  const node = value as { [key: string]: Json };
  if ('Ref' in node) {
    const ref = node.Ref as string;
    if (!(ref in pseudo)) throw new Error(`unknown Ref ${ref}`);
    return pseudo[ref];
  }
  if ('Fn::GetAtt' in node) {
    const [id, attribute] = node['Fn::GetAtt'] as [string, string];
    const key = `${id}.${attribute}`;
    if (!(key in pseudo)) throw new Error(`unknown Fn::GetAtt ${key}`);
    return pseudo[key];
  }
  if ('Fn::Join' in node) {
    const [sep, items] = node['Fn::Join'] as [string, Json[]];
    return items.map((i) => evaluate(i, pseudo)).join(sep);
  }
  if ('Fn::Select' in node) {
    const [index, list] = node['Fn::Select'] as [number, Json];
    return (evaluate(list, pseudo) as Json[])[Number(index)];
  }
  if ('Fn::Split' in node) {
    const [sep, source] = node['Fn::Split'] as [string, Json];
    return (evaluate(source, pseudo) as string).split(sep);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, evaluate(v, pseudo)]));
}
