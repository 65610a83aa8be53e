import { Kind, parse } from 'graphql';

// fixOperationName replaces an operation name that the document does not
// define by the name of the document's only operation (or none, when that
// one is anonymous). GraphiQL can send the previous tab's operation name
// when Run follows a tab switch at once. A document with several operations
// or a syntax error is left for the server to report.
export function fixOperationName(params) {
  if (!params.operationName || typeof params.query !== 'string') return params;
  let names;
  try {
    names = parse(params.query).definitions
      .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
      .map((d) => d.name?.value ?? null);
  } catch {
    return params; // the server reports the syntax error
  }
  if (names.includes(params.operationName) || names.length !== 1) return params;
  return { ...params, operationName: names[0] ?? undefined };
}
