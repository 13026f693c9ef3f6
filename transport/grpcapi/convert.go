package grpcapi

import (
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/planstore/planstore/events"

	planstorev1 "github.com/planstore/planstore/api/planstore/v1"
)

// Plans travel as google.protobuf.Struct rather than typed messages: the document is
// the JSON of the REST API, so one decoder validates both transports with the same
// field paths, a merge patch keeps its nulls (which remove fields) and the schema lives
// in one place. The price: numbers are doubles (exact up to 2^53, which money is) and
// key order is not kept (the stored plan is canonical anyway).

// structJSON is the JSON of a Struct; an absent one is the empty object.
func structJSON(s *structpb.Struct) ([]byte, error) {
	if s == nil {
		return []byte(`{}`), nil
	}
	return protojson.Marshal(s)
}

// jsonStruct is a JSON object as a Struct; null or absent JSON is a nil Struct.
func jsonStruct(raw []byte) (*structpb.Struct, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	s := &structpb.Struct{}
	if err := protojson.Unmarshal(raw, s); err != nil {
		return nil, fmt.Errorf("grpcapi: document is not a JSON object: %w", err)
	}
	return s, nil
}

func planMessage(id string, version int64, doc json.RawMessage) (*planstorev1.Plan, error) {
	s, err := jsonStruct(doc)
	if err != nil {
		return nil, err
	}
	return &planstorev1.Plan{Id: id, Version: version, Etag: etag(version), Document: s}, nil
}

func etag(version int64) string { return fmt.Sprintf("%q", fmt.Sprint(version)) }

func eventMessage(e *events.Envelope) (*planstorev1.Event, error) {
	before, err1 := jsonStruct(e.Data.Before)
	after, err2 := jsonStruct(e.Data.After)
	patch, err3 := jsonStruct(e.Data.Patch)
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			return nil, fmt.Errorf("event %s: %w", e.ID, err)
		}
	}
	return &planstorev1.Event{
		Id: e.ID, Type: string(e.Type), SchemaVersion: int32(e.SchemaVersion), AggregateType: e.AggregateType,
		AggregateId: e.AggregateID, Version: e.Version, OccurredAt: timestamppb.New(e.OccurredAt),
		Actor: e.Actor, CorrelationId: e.CorrelationID, Before: before, After: after, Patch: patch,
	}, nil
}
