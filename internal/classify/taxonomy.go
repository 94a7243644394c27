package classify

// Label is one of ACLED's 25 sub-event types with its parents.
type Label struct {
	Disorder string // Political violence, Demonstrations, Strategic developments
	Event    string // ACLED event_type
	Sub      string // ACLED sub_event_type
}

// Disorder types.
const (
	PoliticalViolence     = "Political violence"
	Demonstrations        = "Demonstrations"
	StrategicDevelopments = "Strategic developments"
)

// Sub-event types, exactly as ACLED's public 2021 codebook names them.
const (
	ArmedClash          = "Armed clash"
	GovRegains          = "Government regains territory"
	NSAOvertakes        = "Non-state actor overtakes territory"
	ChemicalWeapon      = "Chemical weapon"
	AirStrike           = "Air/drone strike"
	SuicideBomb         = "Suicide bomb"
	Shelling            = "Shelling/artillery/missile attack"
	RemoteExplosive     = "Remote explosive/landmine/IED"
	Grenade             = "Grenade"
	SexualViolence      = "Sexual violence"
	Attack              = "Attack"
	Abduction           = "Abduction/forced disappearance"
	PeacefulProtest     = "Peaceful protest"
	ProtestIntervention = "Protest with intervention"
	ExcessiveForce      = "Excessive force against protesters"
	ViolentDemo         = "Violent demonstration"
	MobViolence         = "Mob violence"
	Agreement           = "Agreement"
	Arrests             = "Arrests"
	ChangeToGroup       = "Change to group/activity"
	DisruptedWeapons    = "Disrupted weapons use"
	HQEstablished       = "Headquarters or base established"
	Looting             = "Looting/property destruction"
	NonViolentTransfer  = "Non-violent transfer of territory"
	OtherDevelopment    = "Other"
)

// Taxonomy lists the 25 labels in ACLED's order.
var Taxonomy = []Label{
	{PoliticalViolence, "Battles", ArmedClash},
	{PoliticalViolence, "Battles", GovRegains},
	{PoliticalViolence, "Battles", NSAOvertakes},
	{PoliticalViolence, "Explosions/Remote violence", ChemicalWeapon},
	{PoliticalViolence, "Explosions/Remote violence", AirStrike},
	{PoliticalViolence, "Explosions/Remote violence", SuicideBomb},
	{PoliticalViolence, "Explosions/Remote violence", Shelling},
	{PoliticalViolence, "Explosions/Remote violence", RemoteExplosive},
	{PoliticalViolence, "Explosions/Remote violence", Grenade},
	{PoliticalViolence, "Violence against civilians", SexualViolence},
	{PoliticalViolence, "Violence against civilians", Attack},
	{PoliticalViolence, "Violence against civilians", Abduction},
	{Demonstrations, "Protests", PeacefulProtest},
	{Demonstrations, "Protests", ProtestIntervention},
	{PoliticalViolence, "Protests", ExcessiveForce},
	{Demonstrations, "Riots", ViolentDemo},
	{PoliticalViolence, "Riots", MobViolence},
	{StrategicDevelopments, "Strategic developments", Agreement},
	{StrategicDevelopments, "Strategic developments", Arrests},
	{StrategicDevelopments, "Strategic developments", ChangeToGroup},
	{StrategicDevelopments, "Strategic developments", DisruptedWeapons},
	{StrategicDevelopments, "Strategic developments", HQEstablished},
	{StrategicDevelopments, "Strategic developments", Looting},
	{StrategicDevelopments, "Strategic developments", NonViolentTransfer},
	{StrategicDevelopments, "Strategic developments", OtherDevelopment},
}

var bySub = func() map[string]Label {
	m := make(map[string]Label, len(Taxonomy))
	for _, l := range Taxonomy {
		m[l.Sub] = l
	}
	return m
}()

// LabelOf returns the label of a sub-event type name.
func LabelOf(sub string) (Label, bool) {
	l, ok := bySub[sub]
	return l, ok
}
