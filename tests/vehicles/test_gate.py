"""The three-layer quality gate, each layer at its edge and in the spec's order."""

from __future__ import annotations

import pytest

from factoryai.vehicles.gate import VehicleStatus, decide
from factoryai.vehicles.plates import watchlist_key


def test_the_spec_example_is_unknown_and_opens_the_gate() -> None:
    decision = decide("KA 01 AB 1234", 0.92)
    assert decision.valid
    assert decision.plate_number == "KA01AB1234"
    assert decision.status == VehicleStatus.UNKNOWN
    assert decision.should_trigger_gate_event is True
    assert decision.alert_message is None


@pytest.mark.parametrize(
    ("confidence", "passes"), [(0.75, False), (0.85, False), (0.8500001, True), (0.86, True), (1.0, True)]
)
def test_layer_1_confidence_must_be_strictly_above_the_threshold(confidence: float, passes: bool) -> None:
    decision = decide("KA01AB1234", confidence)
    assert decision.valid is passes
    if not passes:
        assert decision.status == VehicleStatus.REJECTED
        assert decision.rejection_reason == "LOW_CONFIDENCE"
        assert decision.needs_review  # the spec sends low-confidence reads to manual review
        assert not decision.should_trigger_gate_event


def test_threshold_is_a_setting() -> None:
    assert not decide("KA01AB1234", 0.9, threshold=0.95).valid
    assert decide("KA01AB1234", 0.9, threshold=0.5).valid


def test_layer_1_comes_before_layer_2() -> None:
    # An invalid plate read with low confidence is rejected for its confidence, as the spec orders the layers.
    assert decide("NOT A PLATE", 0.5).rejection_reason == "LOW_CONFIDENCE"


def test_layer_2_invalid_format_is_rejected_without_review() -> None:
    decision = decide("XX01AB1234", 0.99)
    assert (decision.status, decision.rejection_reason, decision.needs_review) == (
        VehicleStatus.REJECTED,
        "INVALID_FORMAT",
        False,
    )


def test_layer_2_ambiguous_repair_goes_to_review() -> None:
    decision = decide("KA010B1234", 0.99)
    assert (decision.rejection_reason, decision.needs_review) == ("AMBIGUOUS_READ", True)


def test_layer_2_repairs_are_reported() -> None:
    decision = decide("KAO1AB1234", 0.99)
    assert decision.plate_number == "KA01AB1234"
    assert [(c.read, c.corrected) for c in decision.corrections] == [("O", "0")]


def test_layer_3_blocked_vehicle_raises_an_alert_and_never_opens() -> None:
    blocked = {watchlist_key("DL03CAB0123"): "stolen"}
    decision = decide("DL3CAB0123", 0.97, blocked=blocked, camera_id="CAM-GATE")  # RTO written without its 0
    assert decision.status == VehicleStatus.BLOCKED
    assert decision.should_trigger_gate_event is False
    assert decision.alert_message == "Blocked vehicle DL3CAB0123 at CAM-GATE: stolen"
    every_status_opens = set(VehicleStatus)
    assert not decide("DL3CAB0123", 0.97, blocked=blocked, open_statuses=every_status_opens).should_trigger_gate_event


def test_layer_3_allow_list_authorizes_and_open_statuses_are_a_setting() -> None:
    allowed = {watchlist_key("KA01AB1234")}
    assert decide("KA01AB1234", 0.9, allowed=allowed).status == VehicleStatus.AUTHORIZED
    only_authorized = {VehicleStatus.AUTHORIZED}
    assert decide("KA01AB1234", 0.9, allowed=allowed, open_statuses=only_authorized).should_trigger_gate_event
    assert not decide("KA01AB9999", 0.9, allowed=allowed, open_statuses=only_authorized).should_trigger_gate_event
