// The example operations the playground opens in tabs. They are written
// against schema/schema.graphql; test/examples.test.js checks that each one
// validates against the schema the server actually serves.

/** An entity found by name, with its mentions and where they come from. */
export const entityQuery = `# An entity with its mentions and their sources: article, sentence and
# code-point offsets into Article.text (end exclusive).
query EntityWithSources($search: String = "Surovikin") {
  entities(search: $search, first: 3) {
    totalCount
    edges {
      node {
        id
        name
        type
        aliases
        mentionCount
        articleCount
        mentions(first: 5) {
          totalCount
          edges {
            node {
              text
              start
              end
              sentence
              article { id externalId title url }
            }
          }
        }
      }
    }
  }
}
`;

/** The neighbourhood of an entity, two hops deep. */
export const neighborsQuery = `# Who and what is linked to an entity, up to two hops away. Each neighbour
# says which entity it was reached through and how much evidence links them.
query Neighbourhood($search: String = "Kherson") {
  entities(search: $search, first: 1) {
    edges {
      node {
        id
        name
        type
        neighbors(depth: 2, first: 25) {
          depth
          entity { id name type }
          via { id name }
          sentenceCount
          articleCount
          types
        }
      }
    }
  }
}
`;

/** Paths between two entities; the variables are filled with real IDs at start-up. */
export const pathQuery = `# The shortest chains of relations between two entities, with the
# sentences that support each hop. Put two entity IDs in the variables
# (the first example's results show IDs).
query PathBetween($from: ID!, $to: ID!) {
  path(from: $from, to: $to, maxDepth: 3) {
    hops {
      from { id name type }
      to { id name type }
      relation {
        type
        label
        sentenceCount
        articleCount
        evidence {
          text
          sentence
          article { externalId url }
        }
      }
    }
  }
}
`;

/** NUMBER mentions: value, counted thing, and what they were said about. */
export const numbersQuery = `# Numbers stated in the articles: the value, the counted thing (unit),
# the qualifier ("about", "more than"), the sentence, and the named
# entities in that sentence. Narrow with unit, min and max.
query Numbers($unit: String, $min: Float, $max: Float) {
  numbers(unit: $unit, min: $min, max: $max, first: 20) {
    totalCount
    edges {
      node {
        value
        unit
        qualifier
        mention {
          text
          sentence
          start
          end
          article { externalId url }
        }
        cooccurring { id name type }
      }
    }
  }
}
`;

/** Graph totals. */
export const statsQuery = `# How big the graph is.
query Stats {
  stats { articles entities mentions relations }
}
`;

/**
 * examples lists the playground's tabs in order. variables is the JSON text
 * of the variables editor.
 */
export const examples = [
  { name: 'EntityWithSources', query: entityQuery, variables: '{\n  "search": "Surovikin"\n}' },
  { name: 'Neighbourhood', query: neighborsQuery, variables: '{\n  "search": "Kherson"\n}' },
  { name: 'PathBetween', query: pathQuery, variables: '{\n  "from": "",\n  "to": ""\n}' },
  { name: 'Numbers', query: numbersQuery, variables: '{\n  "unit": null,\n  "min": null,\n  "max": null\n}' },
  { name: 'Stats', query: statsQuery, variables: '' },
];

// The query the playground runs before it starts, to fill the path
// example's variables with two real entity IDs: the first match of each of
// the first two examples' searches, falling back to the best-known person
// and place.
export const pathEndsQuery = `query PathEnds {
  a: entities(search: "Surovikin", first: 1) { edges { node { id } } }
  b: entities(search: "Kherson", first: 1) { edges { node { id } } }
  person: entities(type: PERSON, first: 1) { edges { node { id } } }
  place: entities(type: PLACE, first: 1) { edges { node { id } } }
}`;

/**
 * pathVariables picks the path example's endpoints from a PathEnds result,
 * or returns null when the graph has too few entities.
 */
export function pathVariables(data) {
  const first = (conn) => conn?.edges?.[0]?.node?.id ?? null;
  if (!data) return null;
  const from = first(data.a) ?? first(data.person);
  let to = first(data.b) ?? first(data.place);
  if (to === from) to = first(data.place);
  if (!from || !to || from === to) return null;
  return { from, to };
}
