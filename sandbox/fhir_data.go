package sandbox

import (
	"encoding/base64"
	"strings"
)

// record is one stored FHIR resource.
type record struct {
	typ, id string
	patient string // the patient compartment it belongs to; "" when none
	body    map[string]any
	raw     []byte // Binary content
	rawType string // Binary contentType
}

// fhirStore holds the sandbox's patients and their data, built once per server because
// attachment URLs are absolute.
type fhirStore struct {
	byKey  map[string]*record
	byType map[string][]*record // in insertion order, which is the search order
}

// servedTypes are the resource types the sandbox answers; searchParams lists what a
// search of each accepts, and requiredParams what it needs at least one of (Cerner's rule).
var (
	servedTypes  = []string{"Patient", "Practitioner", "Observation", "Encounter", "DocumentReference", "Binary"}
	searchParams = map[string][]string{
		"Patient":           {"_id", "identifier", "name", "family", "given", "birthdate", "gender", "_count"},
		"Practitioner":      {"_id", "identifier", "name", "family", "given", "_count"},
		"Observation":       {"patient", "subject", "_id", "category", "code", "date", "_count"},
		"Encounter":         {"patient", "subject", "_id", "account", "identifier", "date", "_count"},
		"DocumentReference": {"patient", "_id", "category", "type", "date", "_count"},
	}
	requiredParams = map[string][]string{
		"Patient":           {"_id", "identifier", "name", "family", "given", "birthdate"},
		"Practitioner":      {"_id", "identifier", "name", "family", "given"},
		"Observation":       {"patient", "subject", "_id"},
		"Encounter":         {"patient", "subject", "_id", "account", "identifier"},
		"DocumentReference": {"patient", "_id"},
	}
)

func (st *fhirStore) add(r *record) {
	r.body["resourceType"] = r.typ
	r.body["id"] = r.id
	if _, ok := r.body["meta"]; !ok {
		r.body["meta"] = map[string]any{"versionId": "1", "lastUpdated": "2026-01-05T15:04:05.000Z"}
	}
	st.byKey[r.typ+"/"+r.id] = r
	st.byType[r.typ] = append(st.byType[r.typ], r)
}

func (st *fhirStore) get(typ, id string) *record { return st.byKey[typ+"/"+id] }

type person struct {
	id, family, given, gender, birth, mrn, phone string
}

// sandboxPatients mirror the ids of Cerner's public sandbox; the data is invented.
var sandboxPatients = []person{
	{"12724066", "SMART", "Nancy", "female", "1980-08-11", "1730", "8165551234"},
	{"12724067", "SMART", "Joe", "male", "1976-04-29", "1731", "8165551235"},
	{"12724065", "SMART", "Hailey", "female", "2010-02-14", "1729", "8165551236"},
	{"12724068", "SMART", "Fred", "male", "1947-10-03", "1732", "8165551237"},
	{"12724070", "SMART", "Wilma", "female", "1949-05-21", "1734", "8165551238"},
	{"12724071", "SMART", "Timmy", "male", "2019-12-01", "1735", "8165551239"},
}

func newFHIRStore(base string) *fhirStore {
	st := &fhirStore{byKey: make(map[string]*record), byType: make(map[string][]*record)}
	for _, p := range sandboxPatients {
		st.add(&record{typ: "Patient", id: p.id, patient: p.id, body: patientBody(p)})
	}
	st.add(&record{typ: "Practitioner", id: PractitionerID, body: map[string]any{
		"active": true,
		"name": []map[string]any{{
			"use": "official", "text": "Sandbox, Provider MD", "family": "Sandbox", "given": []string{"Provider"},
			"prefix": []string{"Dr."}, "suffix": []string{"MD"},
		}},
		"identifier": []map[string]any{{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}},
	}})

	vitals := []struct {
		id, patient, code, display, date string
		value                            float64
		unit, ucum                       string
	}{
		{"M-197198601", "12724066", "8867-4", "Heart rate", "2026-01-05T14:30:00.000Z", 72, "/min", "/min"},
		{"M-197198602", "12724066", "29463-7", "Body weight", "2026-01-05T14:30:00.000Z", 68.2, "kg", "kg"},
		{"M-197198603", "12724066", "8310-5", "Body temperature", "2026-01-05T14:30:00.000Z", 37.0, "degC", "Cel"},
		{"M-197198611", "12724067", "8867-4", "Heart rate", "2025-11-20T09:10:00.000Z", 64, "/min", "/min"},
	}
	for _, v := range vitals {
		body := observationBase(v.patient, v.code, v.display, v.date)
		body["valueQuantity"] = map[string]any{"value": v.value, "unit": v.unit, "system": "http://unitsofmeasure.org", "code": v.ucum}
		st.add(&record{typ: "Observation", id: v.id, patient: v.patient, body: body})
	}
	bp := observationBase("12724066", "85354-9", "Blood pressure panel", "2026-01-05T14:30:00.000Z")
	bp["component"] = []map[string]any{
		bpComponent("8480-6", "Systolic blood pressure", 118),
		bpComponent("8462-4", "Diastolic blood pressure", 76),
	}
	st.add(&record{typ: "Observation", id: "M-197198604", patient: "12724066", body: bp})

	st.add(&record{typ: "Encounter", id: "97953477", patient: "12724066", body: encounterBody("12724066", "AMB", "ambulatory", "Office Visit", "2026-01-05T14:00:00.000Z", "2026-01-05T15:00:00.000Z")})
	st.add(&record{typ: "Encounter", id: "97953480", patient: "12724066", body: encounterBody("12724066", "IMP", "inpatient encounter", "Inpatient", "2025-06-02T08:00:00.000Z", "2025-06-04T11:30:00.000Z")})
	st.add(&record{typ: "Encounter", id: "97953491", patient: "12724067", body: encounterBody("12724067", "AMB", "ambulatory", "Office Visit", "2025-11-20T09:00:00.000Z", "2025-11-20T09:40:00.000Z")})

	note := []byte("<html><body><h1>Progress Note</h1><p>SMART, Nancy. Seen for follow-up. Vitals stable. FAKE sandbox document.</p></body></html>")
	st.add(&record{typ: "Binary", id: "XR-197198634", patient: "12724066", raw: note, rawType: "text/html", body: map[string]any{
		"contentType": "text/html",
		"data":        base64.StdEncoding.EncodeToString(note),
	}})
	st.add(&record{typ: "DocumentReference", id: "197198634", patient: "12724066", body: map[string]any{
		"status":    "current",
		"docStatus": "final",
		"type": map[string]any{
			"coding": []map[string]string{{"system": "http://loinc.org", "code": "11506-3", "display": "Progress note"}},
			"text":   "Progress Note",
		},
		"category": []map[string]any{{
			"coding": []map[string]string{{"system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category", "code": "clinical-note", "display": "Clinical Note"}},
		}},
		"subject": map[string]string{"reference": "Patient/12724066", "display": "SMART, Nancy"},
		"date":    "2026-01-05T15:10:00.000Z",
		"author":  []map[string]string{{"reference": "Practitioner/" + PractitionerID}},
		"content": []map[string]any{{
			"attachment": map[string]string{
				"contentType": "text/html",
				"url":         base + "/Binary/XR-197198634",
				"title":       "Progress Note",
				"creation":    "2026-01-05T15:10:00.000Z",
			},
			"format": map[string]string{"system": "http://ihe.net/fhir/ValueSet/IHE.FormatCode.codesystem", "code": "urn:ihe:iti:xds:2017:mimeTypeSufficient"},
		}},
		"context": map[string]any{
			"encounter": []map[string]string{{"reference": "Encounter/97953477"}},
			"period":    map[string]string{"start": "2026-01-05T14:00:00.000Z", "end": "2026-01-05T15:00:00.000Z"},
		},
	}})
	return st
}

func patientBody(p person) map[string]any {
	text := p.family + ", " + p.given
	sex := strings.ToUpper(p.gender[:1])
	return map[string]any{
		"meta": map[string]any{"versionId": "4", "lastUpdated": "2025-12-01T18:22:03.000Z"},
		"text": map[string]string{
			"status": "generated",
			"div":    `<div xmlns="http://www.w3.org/1999/xhtml"><p><b>Patient</b></p><p><b>Name</b>: ` + text + `</p><p><b>DOB</b>: ` + p.birth + `</p><p><b>Administrative Gender</b>: ` + p.gender + `</p><p><b>Status</b>: Active</p></div>`,
		},
		"extension": []map[string]any{{
			"url":       "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex",
			"valueCode": sex,
		}},
		"identifier": []map[string]any{{
			"use": "usual",
			"type": map[string]any{
				"coding": []map[string]string{{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR", "display": "Medical record number"}},
				"text":   "MRN",
			},
			"system": "urn:oid:2.16.840.1.113883.6.1000",
			"value":  p.mrn,
		}},
		"active": true,
		"name": []map[string]any{{
			"use": "official", "text": text, "family": p.family, "given": []string{p.given},
			"period": map[string]string{"start": "2014-03-21T13:59:47.000Z"},
		}},
		"telecom":   []map[string]string{{"system": "phone", "value": p.phone, "use": "home"}},
		"gender":    p.gender,
		"birthDate": p.birth,
		"address": []map[string]any{{
			"use": "home", "text": "1234 Main St, Kansas City, MO 64105",
			"line": []string{"1234 Main St"}, "city": "Kansas City", "district": "Jackson",
			"state": "MO", "postalCode": "64105", "country": "United States of America",
		}},
		"communication": []map[string]any{{
			"language":  map[string]any{"coding": []map[string]string{{"system": "urn:ietf:bcp:47", "code": "en", "display": "English"}}, "text": "English"},
			"preferred": true,
		}},
		"generalPractitioner": []map[string]string{{"reference": "Practitioner/" + PractitionerID}},
	}
}

func observationBase(patient, code, display, date string) map[string]any {
	return map[string]any{
		"status": "final",
		"category": []map[string]any{{
			"coding": []map[string]string{{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs", "display": "Vital Signs"}},
			"text":   "Vital Signs",
		}},
		"code": map[string]any{
			"coding": []map[string]string{{"system": "http://loinc.org", "code": code, "display": display}},
			"text":   display,
		},
		"subject":           map[string]string{"reference": "Patient/" + patient},
		"effectiveDateTime": date,
		"issued":            date,
		"performer":         []map[string]string{{"reference": "Practitioner/" + PractitionerID}},
	}
}

func bpComponent(code, display string, value float64) map[string]any {
	return map[string]any{
		"code":          map[string]any{"coding": []map[string]string{{"system": "http://loinc.org", "code": code, "display": display}}, "text": display},
		"valueQuantity": map[string]any{"value": value, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"},
	}
}

func encounterBody(patient, class, classDisplay, typeText, start, end string) map[string]any {
	return map[string]any{
		"status":  "finished",
		"class":   map[string]string{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": class, "display": classDisplay},
		"type":    []map[string]any{{"text": typeText}},
		"subject": map[string]string{"reference": "Patient/" + patient},
		"participant": []map[string]any{{
			"individual": map[string]string{"reference": "Practitioner/" + PractitionerID},
		}},
		"period": map[string]string{"start": start, "end": end},
	}
}
