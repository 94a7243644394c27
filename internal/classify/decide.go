package classify

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Version identifies the decision procedure (lexicon + model + rules) in
// extraction reports; the model has its own version.
const Version = "lexicon-model-rules/2"

// DefaultModelWeight scales the model's probabilities to the lexicon's
// scores; chosen by measurement (devtools/trainclassifier -sweep).
const DefaultModelWeight = 6

// Features is what the classifier knows about one candidate event: the
// triggers in its sentences, the harms reported and the kinds of actors.
type Features struct {
	Hits []Hit
	// Model is the linear model's verdict on the event's sentences; nil
	// when no model is used. ModelWeight scales its probabilities.
	Model       *Prediction
	ModelWeight float64

	Killed, Injured, Abducted, Displaced, Structures bool
	NoCasualties                                     bool // the text says nobody was hurt

	StateForces bool // a state force takes part
	NonState    bool // a rebel group, militia or unidentified armed group takes part
	External    bool // foreign forces or contractors
	Civilians   bool // civilians are named as targets or victims
	Protesters  bool
	Rioters     bool
	ArmedActors int // distinct armed actors named
	// CombatantVictims: those reported killed or injured are soldiers or
	// fighters, not civilians.
	CombatantVictims bool
	ArmedOnArmed     bool // an armed actor is the target of another
}

// Decision is the classifier's verdict on one candidate event.
type Decision struct {
	Label      Label
	Abstain    bool    // no sub-event type fits well enough
	Confidence float64 // in (0,1): a calibrated-looking share of the best score
	Scores     map[string]float64
	Why        []string // the features and words that drove the decision
	Triggers   []Hit    // the hits that support the chosen label
}

// remote lists the Explosions/Remote violence sub-types: ACLED codes an event
// by the weapon when one is used from afar, whoever the victims are.
var remote = []string{ChemicalWeapon, AirStrike, SuicideBomb, Shelling, RemoteExplosive, Grenade}

// Decide scores every sub-event type from the trigger weights, then applies
// ACLED's codebook rules as explicit, explained adjustments, and picks the best.
// It abstains when the best score is weak.
func Decide(f Features) Decision {
	score := map[string]float64{}
	words := map[string][]string{}
	for _, h := range f.Hits {
		score[h.Sub] += h.Weight
		words[h.Sub] = append(words[h.Sub], h.Pattern)
	}
	// lex keeps the triggers' evidence alone: the codebook rules below fire
	// on what the text says, not on the model's guess.
	lex := make(map[string]float64, len(score))
	for k, v := range score {
		lex[k] = v
	}
	var why []string
	if f.Model != nil {
		for sub, p := range f.Model.Probs {
			if sub != NoEvent && p >= 0.05 {
				score[sub] += f.ModelWeight * p
			}
		}
		why = append(why, fmt.Sprintf("model: %s p=%.2f from %s", f.Model.Label, f.Model.Prob, strings.Join(f.Model.Why, ", ")))
	}
	adjust := func(sub string, by float64, reason string) {
		if by > 0 && score[sub] == 0 && by < 2 {
			return // a rule strengthens evidence; it does not invent it
		}
		score[sub] += by
		why = append(why, fmt.Sprintf("%s %+.0f: %s", sub, by, reason))
	}
	armed := f.StateForces || f.NonState || f.External
	hurt := f.Killed || f.Injured

	// Violence against civilians.
	if f.CombatantVictims && !f.Civilians {
		if score[Attack] > 0 {
			adjust(Attack, -score[Attack]/2, "those killed or injured are combatants, not civilians")
		}
		if f.ArmedActors >= 2 || f.StateForces && f.NonState {
			adjust(ArmedClash, 2, "combatants of two armed sides were killed or injured")
		}
	} else if f.Civilians && hurt && armed {
		adjust(Attack, 3, "armed actors killed or injured civilians")
	} else if hurt && armed && !f.ArmedOnArmed && !f.Protesters {
		adjust(Attack, 1, "people killed or injured by an armed actor")
	}
	if f.Abducted {
		adjust(Abduction, 2, "people reported abducted")
	}
	// Property destruction is Looting/property destruction only when no one is
	// reported hurt; otherwise the violence against people takes precedence.
	if f.Structures || f.Displaced {
		if hurt {
			adjust(Looting, -3, "people were hurt, so the destruction is part of a violent event")
			if f.Civilians && armed {
				adjust(Attack, 1, "homes destroyed while civilians were hurt")
			}
		} else if armed && f.Structures {
			adjust(Looting, 2, "property destroyed with no one reported hurt (ACLED: Looting/property destruction)")
		}
	}
	if !hurt && score[Looting] > 0 && score[Attack] > 0 && score[Attack] < 4 {
		adjust(Attack, -score[Attack]/2, "no one reported killed or injured")
	}
	// Battles need two armed sides.
	if score[ArmedClash] > 0 {
		switch {
		case f.ArmedOnArmed || f.ArmedActors >= 2 && (f.StateForces && f.NonState || !f.Civilians):
			adjust(ArmedClash, 2, "two armed sides fought")
		default:
			adjust(ArmedClash, -2, "only one armed side is named")
		}
	}
	// A change of territory is coded as such, whatever fighting led to it.
	for _, s := range []string{GovRegains, NSAOvertakes} {
		if lex[s] >= 3 {
			adjust(s, math.Max(score[ArmedClash], score[Attack])+1-score[s]+1, "territory changed hands (ACLED codes the change of control)")
		}
	}
	if score[GovRegains] > 0 && !f.StateForces {
		adjust(GovRegains, -2, "no state force named")
	}
	if score[NSAOvertakes] > 0 && !f.NonState {
		adjust(NSAOvertakes, -2, "no non-state armed group named")
	}
	// Remote violence is coded by the weapon.
	for _, s := range remote {
		if lex[s] >= 3 {
			adjust(s, math.Max(score[Attack], score[ArmedClash])+3-score[s]+1, "a remote weapon was used (ACLED codes the weapon first)")
		}
	}
	// Demonstrations: the crowd's and the security forces' conduct decide.
	protest := lex[PeacefulProtest] >= 3 || f.Protesters
	if protest && lex[MobViolence] < 3 {
		// The whole demonstration's evidence goes to the sub-type its
		// conduct and the response to it decide.
		family := score[PeacefulProtest] + score[ProtestIntervention] + score[ExcessiveForce] + score[ViolentDemo]
		to := func(sub, reason string) { adjust(sub, family+2-score[sub], reason) }
		switch {
		case score[ExcessiveForce] > 0 || (f.Killed || f.Injured && score[Attack] >= 2) && f.StateForces:
			to(ExcessiveForce, "protesters met with lethal force")
		case score[ProtestIntervention] > 0 || f.StateForces && score[Arrests] > 0:
			to(ProtestIntervention, "security forces intervened in a protest")
		case score[ViolentDemo] >= 2 || f.Rioters || score[Looting] >= 2:
			to(ViolentDemo, "demonstrators used violence or destroyed property")
		}
		if score[Attack] > 0 {
			adjust(Attack, -score[Attack], "the violence is part of a demonstration")
		}
		if score[Arrests] > 0 {
			adjust(Arrests, -score[Arrests], "arrests at a demonstration are part of the intervention")
		}
		if score[Looting] > 0 {
			adjust(Looting, -score[Looting], "destruction by demonstrators is coded as a riot")
		}
		if score[ArmedClash] > 0 {
			adjust(ArmedClash, -score[ArmedClash], "clashes with demonstrators are part of the demonstration")
		}
	} else {
		for _, s := range []string{ProtestIntervention, ExcessiveForce} {
			if score[s] > 0 {
				adjust(s, -score[s], "no demonstration is reported")
			}
		}
		if score[ViolentDemo] > 0 && !f.Rioters && score[ViolentDemo] < 3 {
			adjust(ViolentDemo, -score[ViolentDemo], "no demonstration or riot is reported")
		}
	}
	if lex[MobViolence] >= 3 {
		adjust(MobViolence, math.Max(score[Attack], score[ViolentDemo])+1-score[MobViolence]+1, "a crowd attacked people (ACLED: Mob violence)")
		if score[Attack] > 0 {
			adjust(Attack, -score[Attack]/2, "the violence was a crowd's, not an organised group's")
		}
	}
	if score[Arrests] > 0 && !f.StateForces {
		adjust(Arrests, -1, "no state force named")
	}

	// Pick the best.
	type kv struct {
		sub string
		v   float64
	}
	var all []kv
	for s, v := range score {
		if v > 0 {
			all = append(all, kv{s, v})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].v != all[j].v {
			return all[i].v > all[j].v
		}
		return order(all[i].sub) < order(all[j].sub)
	})
	d := Decision{Scores: score, Why: why}
	if f.Model != nil && f.Model.Label == NoEvent && f.Model.Prob >= 0.6 && LexBest(f.Hits) < 4 {
		d.Abstain = true
		d.Why = append(d.Why, fmt.Sprintf("the model sees no event (p=%.2f) and the triggers are weak", f.Model.Prob))
		return d
	}
	if len(all) == 0 || all[0].v < 2 {
		d.Abstain = true
		d.Why = append(d.Why, "no sub-event type is supported by strong enough triggers")
		return d
	}
	best := all[0]
	d.Label, _ = LabelOf(best.sub)
	// Confidence: a softmax over the scores, tempered so that one strong
	// trigger alone is not certainty.
	var z float64
	for _, e := range all {
		z += math.Exp(e.v / 2)
	}
	z += math.Exp(1) // the "none of these" option
	// Until the trained model of issue 4 brings calibration, a lexicon
	// verdict never claims more than 0.95.
	d.Confidence = math.Min(0.95, math.Round(math.Exp(best.v/2)/z*100)/100)
	for _, h := range f.Hits {
		if h.Sub == best.sub {
			d.Triggers = append(d.Triggers, h)
		}
	}
	d.Why = append([]string{fmt.Sprintf("%s scored %.1f from triggers %q", best.sub, best.v, dedupe(words[best.sub]))}, d.Why...)
	return d
}

// LexBest is the highest summed trigger weight of any sub-event type.
func LexBest(hits []Hit) float64 {
	sum := map[string]float64{}
	var best float64
	for _, h := range hits {
		sum[h.Sub] += h.Weight
		best = max(best, sum[h.Sub])
	}
	return best
}

func order(sub string) int {
	for i, l := range Taxonomy {
		if l.Sub == sub {
			return i
		}
	}
	return len(Taxonomy)
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
