package main

import "github.com/newsgraph/newsgraph/loader/ner"

// jackknife builds gazetteers of the training set's own names so that the
// model learns how far to trust a gazetteer: training document d sees only
// names from the other folds (names seen in its own fold are missing, as
// unseen names are at tagging time); the development set sees all of them.
//
// A fraction drop of the training documents gets no gazetteer at all, so
// that the model still tags well when the caller passes none.
func jackknife(train []ner.Document, folds int, drop float64) (func(d int) ner.Gazetteer, ner.Gazetteer) {
	parts := make([]*ner.ListGazetteer, folds)
	all := ner.NewListGazetteer()
	for k := range parts {
		parts[k] = ner.NewListGazetteer()
	}
	for d, doc := range train {
		for _, s := range doc {
			for _, sp := range ner.Spans(s.Tags) {
				name := s.Words[sp.Start:sp.End]
				all.Add(name, sp.Type)
				for k := range parts {
					if k != d%folds {
						parts[k].Add(name, sp.Type)
					}
				}
			}
		}
	}
	return func(d int) ner.Gazetteer {
		// Documents are dropped by a fixed hash of their index, so that
		// the dropped ones spread over all folds.
		if float64((uint32(d)*2654435761)>>16%1000) < drop*1000 {
			return nil
		}
		return parts[d%folds]
	}, all
}
