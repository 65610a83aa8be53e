// The GraphQL operations of the explore page, apart from the page so that
// test/examples.test.js can validate them against the schema.

// Caps on how much the page asks for, so a busy entity stays readable.
export const NUMBER_ARTICLES = 10;

/** operations holds every GraphQL operation the explore page sends. */
export const operations = {
  stats: `query Stats { stats { articles entities mentions relations } }`,
  search: `query Search($search: String, $type: EntityType) {
    entities(search: $search, type: $type, first: 25) {
      totalCount
      edges { node { id name type aliases mentionCount articleCount } }
    }
  }`,
  neighbours: `query Neighbours($id: ID!, $first: Int) {
    entity(id: $id) {
      id name type mentionCount articleCount
      neighbors(depth: 1, first: $first) {
        entity { id name type mentionCount articleCount }
        via { id }
        sentenceCount articleCount types
      }
    }
  }`,
  entity: `query Entity($id: ID!) {
    entity(id: $id) {
      id name type aliases value unit iso mentionCount articleCount
      merges { name key article { id externalId } }
      mentions(first: 100) {
        totalCount
        edges { node { sentenceStart sentenceEnd article { id } } }
      }
      articles(first: ${NUMBER_ARTICLES}) {
        totalCount
        edges { node { id externalId title url outlet published } }
      }
    }
  }`,
  articleMentions: `query ArticleMentions($id: ID!, $after: String) {
    article(id: $id) {
      mentions(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { text start end sentence sentenceStart sentenceEnd qualifier entity { id type value unit } } }
      }
    }
  }`,
  relations: `query Relations($id: ID!, $after: String) {
    entity(id: $id) {
      relations(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node {
          type label sentenceCount articleCount outletCount
          source { id name type } target { id name type }
          evidence {
            sentence text start end sentenceStart sentenceEnd
            article { id externalId title url outlet }
          }
        } }
      }
    }
  }`,
};

