// Package plan is the write-side model of planstore: the typed plan document, its strict
// decoding and validation, the merge patch used by PATCH, and the event-sourced plan
// aggregate whose behaviour methods decide Changes and whose Apply is a pure state
// transition.
//
// # Problem paths
//
// Every validation problem carries the JSON path of the value it is about, written the
// way a JavaScript reader would: `linkedPlanServices[1].planserviceCostShares.copay`.
// Top-level fields are bare (`planType`), and the whole document is the empty path "".
// "" was chosen over "$" because it is what an empty JSON Pointer means and needs no
// explaining in clients that join paths. A key that is not a plain identifier (it
// contains a dot, a bracket, a space, or is empty) is written in brackets as a JSON
// string, e.g. `planCostShares["a.b"]`, so paths stay unambiguous.
//
// # Decisions
//
//   - Numbers: copay and deductible decode to float64. encoding/json writes a float64 in
//     its shortest round-trip form without exponent below 1e21, so 2000 stays 2000, 23.5
//     stays 23.5 and every accepted value (at most MaxMoney) re-encodes identically.
//     The canonical form is the value, not the input text: 2e3 and 2000.0 are stored as
//     2000, and -0 as 0. json.Number was rejected because it would preserve 2000.0 as
//     written and make the canonical encoding depend on the client's formatting.
//   - creationDate: MM-DD-YYYY (the example's "12-12-2017"), DD-MM-YYYY when the first
//     part cannot be a month (13..31), and ISO YYYY-MM-DD. It must be a real calendar day
//     of a year 0001..9999. The string is stored as sent; ParseCreationDate interprets it.
//   - Strings (_org, planType, name): not blank after trimming, at most MaxStringLength
//     characters; stored as sent, never trimmed.
//   - objectId: 1..MaxObjectIDLength characters of [A-Za-z0-9._~:-], unique within the
//     document; a duplicate is reported at its later path.
//   - objectType is fixed per position: "plan" at the root, "membercostshare" for
//     planCostShares and planserviceCostShares, "planservice" for each
//     linkedPlanServices element, "service" for linkedService.
//   - Limits: MaxDocumentBytes, MaxDepth, MaxLinkedPlanServices, MaxObjectIDLength,
//     MaxStringLength, MaxMoney, and MaxProblems reported per document.
//   - Duplicate keys in one JSON object are an error (encoding/json would silently keep
//     the last one), as is anything after the top-level object, and invalid UTF-8.
//   - Each mistake is reported once: a member of the wrong JSON type is not reported
//     again by the value rules, nor are the members of an object that is not one.
//   - Merge patches (MergePatch, Aggregate.Patch): problems in the patch itself have
//     paths into the patch; problems of the merged result have paths into the result.
//   - Stored state (Rehydrate, Apply of a rebuilt change) is checked for shape only, so
//     that tightening a value rule never makes an existing plan unloadable.
package plan
