package extract

// goldFloors are the accuracies TestGold must not fall below, per field.
// They record what the extractor reached on the team's fixtures; raise them
// as it improves.
var goldFloors = map[string]float64{}
