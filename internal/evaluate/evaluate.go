// Package evaluate scores newsgraph's extraction against a hand-made,
// document-level gold annotation, reading predictions only through the
// GraphQL contract. It is a port of shared/eval/score.py's gold mode: per
// type P/R/F1 for PERSON, ORGANIZATION and PLACE, numbers (value and
// counted thing), cross-article resolution and labelled relations.
package evaluate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Querier runs a GraphQL query and decodes its data into out. An error
// answer (the response's errors) is an error.
type Querier interface {
	Query(ctx context.Context, query string, vars map[string]any, out any) error
}

// Gold is a seed-gold/1 annotation (see testdata/seeds.gold.json).
type Gold struct {
	Entities  []GoldEntity   `json:"entities"`
	Numbers   []GoldNumber   `json:"numbers"`
	Relations []GoldRelation `json:"relations"`
}

// GoldEntity is one real-world entity and its surface forms per article.
type GoldEntity struct {
	ID       string              `json:"id"`
	Type     string              `json:"type"`
	Name     string              `json:"name"`
	In       map[string][]string `json:"in"`       // must be found
	Optional map[string][]string `json:"optional"` // neither rewarded nor penalised
}

// GoldNumber is a number with its counted thing in one article.
type GoldNumber struct {
	Doc      string   `json:"doc"`
	Value    float64  `json:"value"`
	Unit     string   `json:"unit"`
	Units    []string `json:"units"`
	Text     string   `json:"text"`
	Optional bool     `json:"optional"`
}

// GoldRelation is a pair of entities one sentence of an article relates.
type GoldRelation struct {
	Doc   string          `json:"doc"`
	A     string          `json:"a"`
	B     json.RawMessage `json:"b"` // an id or a list of ids
	Words []string        `json:"words"`
}

func (r GoldRelation) bs() []string {
	var one string
	if json.Unmarshal(r.B, &one) == nil {
		return []string{one}
	}
	var many []string
	if err := json.Unmarshal(r.B, &many); err != nil {
		return nil
	}
	return many
}

// ReadGold reads a gold annotation file.
func ReadGold(path string) (*Gold, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	var g Gold
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("evaluate: %s: %w", path, err)
	}
	return &g, nil
}

// PRF is a precision/recall/F1 count.
type PRF struct {
	TP, FP, FN int
	P, R, F1   float64
}

func prf(tp, fp, fn int) PRF {
	out := PRF{TP: tp, FP: fp, FN: fn}
	if tp+fp > 0 {
		out.P = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		out.R = float64(tp) / float64(tp+fn)
	}
	if out.P+out.R > 0 {
		out.F1 = 2 * out.P * out.R / (out.P + out.R)
	}
	return out
}

// Report is the outcome of Score.
type Report struct {
	Entities    map[string]PRF // PERSON, ORGANIZATION, PLACE and ALL
	Numbers     PRF
	UnitCorrect int
	// Resolution: gold entities named in 2+ articles that are one node.
	MultiArticle, Resolved, WrongMerges int
	// Relations: gold relations found with evidence in their article, and
	// those whose label or type holds one of the gold words.
	GoldRelations, RelationsFound, RelationsLabelled int
	MissingDocs                                      []string
	Errors, ResolutionErrors                         []string
}

// EntityTypes are the named types scored per type.
var EntityTypes = []string{"PERSON", "ORGANIZATION", "PLACE"}

var typeAliases = map[string]string{
	"PER": "PERSON", "PERSON": "PERSON", "PEOPLE": "PERSON",
	"ORG": "ORGANIZATION", "ORGANIZATION": "ORGANIZATION", "ORGANISATION": "ORGANIZATION",
	"PLACE": "PLACE", "LOCATION": "PLACE", "LOC": "PLACE", "GPE": "PLACE",
	"NUMBER": "NUMBER", "QUANTITY": "NUMBER", "CARDINAL": "NUMBER", "MONEY": "NUMBER", "PERCENT": "NUMBER",
	"DATE": "DATE", "TIME": "DATE",
}

func canonType(t string) string {
	u := strings.ToUpper(t)
	if c, ok := typeAliases[u]; ok {
		return c
	}
	return u
}

var quoteFold = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u201c", `"`, "\u201d", `"`)

// Norm normalizes a surface form for matching, as score.py does: NFKC,
// straight quotes, collapsed space, lower case, no leading "the ", no
// trailing "'s", no surrounding punctuation.
func Norm(s string) string {
	s = quoteFold.Replace(norm.NFKC.String(s))
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	s = strings.TrimPrefix(s, "the ")
	s = strings.TrimSuffix(s, "'s")
	return strings.Trim(s, ` .,;:"'()[]`)
}

func unitMatch(pred string, golds []string) bool {
	pu := Norm(pred)
	if pu == "" {
		return false
	}
	for _, g := range golds {
		gu := Norm(g)
		if gu == "" {
			continue
		}
		gw := strings.Fields(gu)
		if strings.Contains(pu, gu) || strings.Contains(gu, pu) || slices.Contains(strings.Fields(pu), gw[len(gw)-1]) {
			return true
		}
	}
	return false
}

// The queries are score.py's, so both read the same contract.
const (
	articlesQ = `query($after: String) {
  articles(first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id externalId text } }
  }
}`
	mentionsQ = `query($id: ID!, $after: String) {
  article(id: $id) {
    mentions(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { text start end entity { id name type value unit } } }
    }
  }
}`
	relationsQ = `query($id: ID!, $after: String) {
  entity(id: $id) {
    relations(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { type label source { id } target { id } evidence { article { externalId } } } }
    }
  }
}`
)

type pageInfo struct {
	HasNextPage bool    `json:"hasNextPage"`
	EndCursor   *string `json:"endCursor"`
}

type conn[T any] struct {
	PageInfo pageInfo `json:"pageInfo"`
	Edges    []struct {
		Node T `json:"node"`
	} `json:"edges"`
}

type predEntity struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Type  string   `json:"type"`
	Value *float64 `json:"value"`
	Unit  *string  `json:"unit"`
}

type predMention struct {
	Text   string     `json:"text"`
	Start  int        `json:"start"`
	End    int        `json:"end"`
	Entity predEntity `json:"entity"`
}

type predRelation struct {
	Type     string              `json:"type"`
	Label    string              `json:"label"`
	Source   struct{ ID string } `json:"source"`
	Target   struct{ ID string } `json:"target"`
	Evidence []struct {
		Article struct {
			ExternalID string `json:"externalId"`
		} `json:"article"`
	} `json:"evidence"`
}

type predDoc struct {
	id       string
	mentions []predMention
}

// paged follows a connection's pages; get returns the connection of one
// page's data (nil when the parent is null).
func paged[T any, D any](ctx context.Context, q Querier, query string, vars map[string]any, get func(*D) *conn[T]) ([]T, error) {
	var out []T
	var after *string
	for {
		v := map[string]any{}
		if after != nil {
			v["after"] = *after
		}
		for k, x := range vars {
			v[k] = x
		}
		var d D
		if err := q.Query(ctx, query, v, &d); err != nil {
			return out, err
		}
		c := get(&d)
		if c == nil {
			return out, nil
		}
		for _, e := range c.Edges {
			out = append(out, e.Node)
		}
		if !c.PageInfo.HasNextPage || c.PageInfo.EndCursor == nil {
			return out, nil
		}
		after = c.PageInfo.EndCursor
	}
}

func loadPredictions(ctx context.Context, q Querier) (map[string]predDoc, error) {
	type article struct {
		ID         string `json:"id"`
		ExternalID string `json:"externalId"`
	}
	type articlesData struct {
		Articles *conn[article] `json:"articles"`
	}
	arts, err := paged(ctx, q, articlesQ, nil, func(d *articlesData) *conn[article] { return d.Articles })
	if err != nil {
		return nil, fmt.Errorf("evaluate: articles: %w", err)
	}
	type mentionsData struct {
		Article *struct {
			Mentions *conn[predMention] `json:"mentions"`
		} `json:"article"`
	}
	docs := map[string]predDoc{}
	for _, a := range arts {
		ms, err := paged(ctx, q, mentionsQ, map[string]any{"id": a.ID}, func(d *mentionsData) *conn[predMention] {
			if d.Article == nil {
				return nil
			}
			return d.Article.Mentions
		})
		if err != nil {
			return nil, fmt.Errorf("evaluate: mentions of %s: %w", a.ID, err)
		}
		docs[a.ExternalID] = predDoc{id: a.ID, mentions: ms}
	}
	return docs, nil
}

// Score reads every article's mentions through q and scores them against
// gold, as score.py --gold does.
func Score(ctx context.Context, q Querier, gold *Gold) (*Report, error) {
	docs, err := loadPredictions(ctx, q)
	if err != nil {
		return nil, err
	}
	rep := &Report{Entities: map[string]PRF{}}
	goldDocSet := map[string]bool{}
	for _, g := range gold.Entities {
		for d := range g.In {
			goldDocSet[d] = true
		}
		for d := range g.Optional {
			goldDocSet[d] = true
		}
	}
	goldDocs := make([]string, 0, len(goldDocSet))
	for d := range goldDocSet {
		goldDocs = append(goldDocs, d)
	}
	sort.Strings(goldDocs)
	for _, d := range goldDocs {
		if _, ok := docs[d]; !ok {
			rep.MissingDocs = append(rep.MissingDocs, d)
		}
	}

	counts := map[string]*[3]int{}
	for _, t := range EntityTypes {
		counts[t] = &[3]int{}
	}
	matched := map[string]map[string]map[string]bool{} // gold id -> doc -> node ids
	nodeToGold := map[string]map[string]bool{}
	addMatch := func(gid, d, nid string) {
		if matched[gid] == nil {
			matched[gid] = map[string]map[string]bool{}
		}
		if matched[gid][d] == nil {
			matched[gid][d] = map[string]bool{}
		}
		matched[gid][d][nid] = true
		if nodeToGold[nid] == nil {
			nodeToGold[nid] = map[string]bool{}
		}
		nodeToGold[nid][gid] = true
	}
	type node struct {
		id, typ string
		forms   map[string]bool
	}
	type goldHere struct {
		g        *GoldEntity
		forms    map[string]bool
		required bool
	}
	intersects := func(a, b map[string]bool) bool {
		for k := range a {
			if b[k] {
				return true
			}
		}
		return false
	}
	for _, d := range goldDocs {
		var pred []*node
		byID := map[string]*node{}
		for _, m := range docs[d].mentions {
			t := canonType(m.Entity.Type)
			if !slices.Contains(EntityTypes, t) {
				continue
			}
			n, ok := byID[m.Entity.ID]
			if !ok {
				n = &node{id: m.Entity.ID, typ: t, forms: map[string]bool{}}
				byID[n.id] = n
				pred = append(pred, n)
			}
			n.forms[Norm(m.Text)] = true
		}
		var here []goldHere
		for i := range gold.Entities {
			g := &gold.Entities[i]
			req, hasReq := g.In[d]
			opt, hasOpt := g.Optional[d]
			if !hasReq && !hasOpt {
				continue
			}
			forms := map[string]bool{Norm(g.Name): true}
			for _, x := range append(append([]string{}, req...), opt...) {
				forms[Norm(x)] = true
			}
			here = append(here, goldHere{g, forms, hasReq})
		}
		found := map[string]bool{}
		for _, n := range pred {
			var hits []goldHere
			for _, gh := range here {
				if gh.g.Type == n.typ && intersects(n.forms, gh.forms) {
					hits = append(hits, gh)
				}
			}
			if len(hits) == 0 {
				counts[n.typ][1]++
				var wrong []string
				for _, gh := range here {
					if intersects(n.forms, gh.forms) {
						wrong = append(wrong, gh.g.ID)
					}
				}
				msg := fmt.Sprintf("%s: spurious %s %s", d, n.typ, sortedKeys(n.forms))
				if len(wrong) > 0 {
					msg += fmt.Sprintf(" (gold type differs: %v)", wrong)
				}
				rep.Errors = append(rep.Errors, msg)
				continue
			}
			anyReq := false
			for _, h := range hits {
				anyReq = anyReq || h.required
			}
			if !anyReq {
				continue
			}
			fresh := false
			for _, h := range hits {
				if h.required {
					fresh = fresh || !found[h.g.ID]
					found[h.g.ID] = true
					addMatch(h.g.ID, d, n.id)
				}
			}
			if fresh {
				counts[n.typ][0]++
			} else {
				counts[n.typ][1]++
				rep.Errors = append(rep.Errors, fmt.Sprintf("%s: duplicate node %s %s", d, n.typ, sortedKeys(n.forms)))
			}
		}
		for _, gh := range here {
			if gh.required && !found[gh.g.ID] {
				if c, ok := counts[gh.g.Type]; ok {
					c[2]++
				}
				rep.Errors = append(rep.Errors, fmt.Sprintf("%s: missed %s %s", d, gh.g.Type, gh.g.Name))
			}
		}
	}
	var tot [3]int
	for _, t := range EntityTypes {
		c := counts[t]
		rep.Entities[t] = prf(c[0], c[1], c[2])
		for i := range tot {
			tot[i] += c[i]
		}
	}
	rep.Entities["ALL"] = prf(tot[0], tot[1], tot[2])

	// Resolution: an entity named in several articles must be one node.
	for _, g := range gold.Entities {
		if len(g.In) < 2 {
			continue
		}
		rep.MultiArticle++
		perDoc := matched[g.ID]
		nodes := map[string]bool{}
		for _, ns := range perDoc {
			for n := range ns {
				nodes[n] = true
			}
		}
		if len(perDoc) == len(g.In) && len(nodes) == 1 {
			rep.Resolved++
		} else {
			rep.ResolutionErrors = append(rep.ResolutionErrors, fmt.Sprintf("%s: %d of %d articles found, %d nodes", g.ID, len(perDoc), len(g.In), len(nodes)))
		}
	}
	var merges []string
	for nid, gs := range nodeToGold {
		if len(gs) > 1 {
			merges = append(merges, fmt.Sprintf("%s merges %s", nid, sortedKeys(gs)))
		}
	}
	sort.Strings(merges)
	rep.WrongMerges = len(merges)

	// Numbers: value match, then the counted thing.
	var ntp, nfp, nfn int
	for _, d := range goldDocs {
		var golds []GoldNumber
		for _, n := range gold.Numbers {
			if n.Doc == d {
				golds = append(golds, n)
			}
		}
		used := map[int]bool{}
		for _, m := range docs[d].mentions {
			e := m.Entity
			if canonType(e.Type) != "NUMBER" {
				continue
			}
			hit := -1
			for i, g := range golds {
				if e.Value != nil && math.Abs(*e.Value-g.Value) < 1e-6*math.Max(1, g.Value) {
					hit = i
					break
				}
			}
			unit := ""
			if e.Unit != nil {
				unit = *e.Unit
			}
			if hit < 0 {
				nfp++
				val := "None"
				if e.Value != nil {
					val = fmt.Sprint(*e.Value)
				}
				rep.Errors = append(rep.Errors, fmt.Sprintf("%s: spurious NUMBER %q value=%s unit=%q", d, m.Text, val, unit))
				continue
			}
			if used[hit] {
				continue
			}
			used[hit] = true
			if golds[hit].Optional {
				continue
			}
			ntp++
			pu := unit
			if pu == "" {
				pu = m.Text
			}
			if unitMatch(pu, golds[hit].Units) {
				rep.UnitCorrect++
			} else {
				rep.Errors = append(rep.Errors, fmt.Sprintf("%s: NUMBER %v has unit %q, want %q", d, golds[hit].Value, unit, golds[hit].Unit))
			}
		}
		for i, g := range golds {
			if !g.Optional && !used[i] {
				nfn++
				rep.Errors = append(rep.Errors, fmt.Sprintf("%s: missed NUMBER %s", d, g.Text))
			}
		}
	}
	rep.Numbers = prf(ntp, nfp, nfn)

	// Relations: labelled relations with evidence in the article.
	type relData struct {
		Entity *struct {
			Relations *conn[predRelation] `json:"relations"`
		} `json:"entity"`
	}
	relCache := map[string][]predRelation{}
	for _, rel := range gold.Relations {
		rep.GoldRelations++
		d := rel.Doc
		na := matched[rel.A][d]
		bs := rel.bs()
		nb := map[string]bool{}
		for _, b := range bs {
			for n := range matched[b][d] {
				nb[n] = true
			}
		}
		ok, lab := false, false
		for _, a := range sortedKeys(na) {
			rs, cached := relCache[a]
			if !cached {
				var err error
				rs, err = paged(ctx, q, relationsQ, map[string]any{"id": a}, func(d *relData) *conn[predRelation] {
					if d.Entity == nil {
						return nil
					}
					return d.Entity.Relations
				})
				if err != nil {
					rep.Errors = append(rep.Errors, fmt.Sprintf("relations query failed: %v", err))
					rs = nil
				}
				relCache[a] = rs
			}
			for _, r := range rs {
				ends := map[string]bool{r.Source.ID: true, r.Target.ID: true}
				if !ends[a] || !intersects(ends, nb) {
					continue
				}
				inDoc := false
				for _, ev := range r.Evidence {
					inDoc = inDoc || ev.Article.ExternalID == d
				}
				if !inDoc {
					continue
				}
				ok = true
				text := strings.ToLower(r.Label + " " + r.Type)
				for _, w := range rel.Words {
					if strings.Contains(text, w) {
						lab = true
					}
				}
			}
		}
		if ok {
			rep.RelationsFound++
		}
		if lab {
			rep.RelationsLabelled++
		} else {
			state := "missing"
			if ok {
				state = "unlabelled"
			}
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s: relation %s - %s %s", d, rel.A, strings.Join(bs, "/"), state))
		}
	}
	rep.ResolutionErrors = append(rep.ResolutionErrors, merges...)
	return rep, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Print writes the report as score.py prints it; verbose lists every error.
func (r *Report) Print(w io.Writer, verbose bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%-13s %5s %5s %5s %6s %6s %6s\n", "type", "tp", "fp", "fn", "P", "R", "F1")
	for _, t := range append(slices.Clone(EntityTypes), "ALL") {
		v := r.Entities[t]
		fmt.Fprintf(&b, "%-13s %5d %5d %5d %6.3f %6.3f %6.3f\n", t, v.TP, v.FP, v.FN, v.P, v.R, v.F1)
	}
	v := r.Numbers
	fmt.Fprintf(&b, "%-13s %5d %5d %5d %6.3f %6.3f %6.3f  (unit right: %d)\n", "NUMBER", v.TP, v.FP, v.FN, v.P, v.R, v.F1, r.UnitCorrect)
	fmt.Fprintf(&b, "resolution: %d of %d multi-article entities are one node; %d wrong merges\n", r.Resolved, r.MultiArticle, r.WrongMerges)
	fmt.Fprintf(&b, "relations: %d of %d gold relations found with evidence, %d labelled\n", r.RelationsFound, r.GoldRelations, r.RelationsLabelled)
	if len(r.MissingDocs) > 0 {
		fmt.Fprintf(&b, "missing articles: %v\n", r.MissingDocs)
	}
	if verbose {
		for _, e := range append(slices.Clone(r.Errors), r.ResolutionErrors...) {
			fmt.Fprintf(&b, "  - %s\n", e)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
