package schema

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
)

func parse(query string) (*ast.Document, error) {
	return parser.Parse(parser.ParseParams{
		Source: source.NewSource(&source.Source{Body: []byte(query), Name: "GraphQL request"}),
	})
}

// operation picks the operation a request runs, as the GraphQL spec's
// GetOperation does.
func operation(doc *ast.Document, name string) (*ast.OperationDefinition, error) {
	var ops []*ast.OperationDefinition
	for _, d := range doc.Definitions {
		if op, ok := d.(*ast.OperationDefinition); ok {
			ops = append(ops, op)
		}
	}
	if name == "" {
		switch len(ops) {
		case 0:
			return nil, errors.New("the document has no operation")
		case 1:
			return ops[0], nil
		}
		return nil, errors.New("the document has several operations: operationName is required")
	}
	for _, op := range ops {
		if op.Name != nil && op.Name.Value == name {
			return op, nil
		}
	}
	return nil, fmt.Errorf("unknown operation %q", name)
}

// listFactor estimates how many items a field's list holds: its first
// argument when it has one, else a typical size per field.
var listFactor = map[string]int{
	// Connections without first get the default page.
	"articles": defaultFirst, "entities": defaultFirst, "relations": defaultFirst,
	"numbers": defaultFirst, "claims": defaultFirst, "mentions": defaultFirst,
	"neighbors": 25, "path": maxPaths, "hops": maxPathDepth,
	"evidence": 20, "merges": 10, "cooccurring": 10, "ingestArticles": DefaultLimits.MaxIngest,
}

// checkLimits bounds an operation's depth and estimated cost on the parsed
// document, before validation and execution. The cost is the number of
// fields it would resolve, each list counted at its page size (first, or
// the default); introspection fields count once each. vars supplies
// variable values used as first.
func checkLimits(doc *ast.Document, op *ast.OperationDefinition, lim Limits, vars map[string]any) error {
	if err := fragmentCycle(doc); err != nil {
		return err
	}
	w := &limitWalker{frags: map[string]*ast.FragmentDefinition{}, lim: lim, vars: vars, active: map[string]bool{}}
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name != nil {
			w.frags[f.Name.Value] = f
		}
	}
	return w.walk(op.SelectionSet, 0, 1, false)
}

type limitWalker struct {
	frags  map[string]*ast.FragmentDefinition
	lim    Limits
	vars   map[string]any
	active map[string]bool // fragments being expanded: cycles are left to validation
	cost   int
}

func (w *limitWalker) walk(ss *ast.SelectionSet, depth, mult int, introspection bool) error {
	if ss == nil {
		return nil
	}
	for _, sel := range ss.Selections {
		switch sel := sel.(type) {
		case *ast.Field:
			d := depth + 1
			if d > w.lim.MaxDepth {
				return clientError{codeTooDeep, fmt.Sprintf("query is too deep: fields nest more than %d levels", w.lim.MaxDepth)}
			}
			w.cost += mult
			if w.cost > w.lim.MaxComplexity {
				return clientError{codeTooComplex, fmt.Sprintf("query is too complex: it could resolve more than %d fields (lists count once per item; ask for smaller pages with first)", w.lim.MaxComplexity)}
			}
			name := ""
			if sel.Name != nil {
				name = sel.Name.Value
			}
			intro := introspection || strings.HasPrefix(name, "__")
			m := mult
			if !intro {
				m = min(mult*w.factor(sel, name), w.lim.MaxComplexity+1)
			}
			if err := w.walk(sel.SelectionSet, d, m, intro); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := w.walk(sel.SelectionSet, depth, mult, introspection); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if sel.Name == nil || w.active[sel.Name.Value] {
				continue
			}
			f, ok := w.frags[sel.Name.Value]
			if !ok {
				continue // validation reports it
			}
			w.active[sel.Name.Value] = true
			err := w.walk(f.SelectionSet, depth, mult, introspection)
			delete(w.active, sel.Name.Value)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// factor is the estimated number of items of a list field; 1 for others.
func (w *limitWalker) factor(f *ast.Field, name string) int {
	for _, a := range f.Arguments {
		if a.Name == nil || a.Name.Value != "first" {
			continue
		}
		switch v := a.Value.(type) {
		case *ast.IntValue:
			if n, err := strconv.Atoi(v.Value); err == nil && n >= 0 {
				return max(n, 1)
			}
		case *ast.Variable:
			if v.Name != nil {
				switch n := w.vars[v.Name.Value].(type) {
				case float64:
					return max(int(min(n, float64(w.lim.MaxComplexity))), 1)
				case int:
					return max(n, 1)
				}
			}
		}
	}
	if n, ok := listFactor[name]; ok {
		return n
	}
	return 1
}

// fragmentCycle reports a fragment that spreads itself, directly or not.
// graphql-go's validator (v0.8.1) overflows the stack on such a document
// before its NoFragmentCycles rule reports it, so this runs first.
func fragmentCycle(doc *ast.Document) error {
	spreads := map[string][]string{}
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name != nil {
			spreads[f.Name.Value] = append(spreads[f.Name.Value], spreadNames(f.SelectionSet, nil)...)
		}
	}
	const (
		visiting = 1
		done     = 2
	)
	mark := map[string]int{}
	var visit func(name string) error
	visit = func(name string) error {
		switch mark[name] {
		case visiting:
			return clientError{codeBadRequest, fmt.Sprintf("fragment %q spreads itself", name)}
		case done:
			return nil
		}
		mark[name] = visiting
		for _, n := range spreads[name] {
			if err := visit(n); err != nil {
				return err
			}
		}
		mark[name] = done
		return nil
	}
	for name := range spreads {
		if err := visit(name); err != nil {
			return err
		}
	}
	return nil
}

func spreadNames(ss *ast.SelectionSet, out []string) []string {
	if ss == nil {
		return out
	}
	for _, sel := range ss.Selections {
		switch sel := sel.(type) {
		case *ast.Field:
			out = spreadNames(sel.SelectionSet, out)
		case *ast.InlineFragment:
			out = spreadNames(sel.SelectionSet, out)
		case *ast.FragmentSpread:
			if sel.Name != nil {
				out = append(out, sel.Name.Value)
			}
		}
	}
	return out
}
