"""The number policy (src/ecolca/core/numbers.py): 3 significant figures of a row's largest
value, one scale per row, scaled units, no E-notation, a minus that never wraps."""

import pytest

from ecolca.core.numbers import (
    MINUS, Scale, denoise, drop_float32_noise, excel_format, format_pct, format_result,
    format_row, round_sig, scale_for,
)


def test_kalundborg_row_reads_in_megatonnes_with_one_scale():
    # The figures of issue #20: L above 1e10 printed as 4.87E+10 beside a grouped Δ.
    texts, unit = format_row([5_093_672_010.0, 1_998_469_168.0, -3_095_202_842.0], "kg CO2-Eq")
    assert unit == "Mt CO2-Eq"
    assert texts == ["5.09", "2.00", MINUS + "3.10"]
    assert not any("E" in t or "e" in t for t in texts)


def test_a_row_shares_its_decimals_so_delta_can_be_checked():
    texts, unit = format_row([48_700_000_000.0, 45_604_797_158.0, -3_095_202_842.0], "kg CO2-Eq")
    assert unit == "Mt CO2-Eq"
    assert texts == ["48.70", "45.60", MINUS + "3.10"]  # Δ keeps its 3 figures
    texts, unit = format_row([1000.4, 1000.0, -0.4], "kWh")
    assert (texts, unit) == (["1.000400", "1.000000", MINUS + "0.000400"], "MWh")


def test_ladders_and_words_and_powers_of_ten():
    assert format_result(999.7, "kg") == "1.00 t"
    assert format_result(994.0, "kg") == "994 kg"
    assert format_result(0.5, "kg P-Eq") == "500 g P-Eq"
    assert format_result(2.87e8, "kg CO2-Eq") == "287 kt CO2-Eq"
    assert format_result(4.2e9, "MJ") == "4.20 PJ"
    assert format_result(1.5e6, "kWh") == "1.50 GWh"
    assert format_result(2.5e7, "m3") == "25.0 million m3"
    assert format_result(1.23e-5, "CTUh") == "12.3 10⁻⁶ CTUh"
    assert format_result(0.0123, "CTUh") == "0.0123 CTUh"
    assert format_result(-1234.5, "mol H+-Eq", signed=True) == MINUS + "1.23 thousand mol H+-Eq"


def test_signed_zero_and_missing():
    assert format_result(12.0, "kg", signed=True) == "+12.0 kg"
    assert format_result(None, "kg") == "–"
    assert format_result(float("nan"), "kg") == "–"
    assert format_row([0.0, 0.0, 0.0], "kg")[0] == ["0", "0", "0"]
    # a value that rounds to zero within its row is 0, not −0.00
    texts, _ = format_row([1000.0, -0.0001], "kg")
    assert texts[1] == "0.00"


def test_noise_and_float32():
    assert denoise(-1.164e-10, 7e5) == 0.0
    assert denoise(-1.164e-3, 7e5) == -1.164e-3
    assert drop_float32_noise(4_300_000_256.0) == 4_300_000_000.0
    assert round_sig(5_093_672_010.0) == 5_090_000_000.0


def test_percent_and_excel_format():
    assert format_pct(-60.8123) == MINUS + "60.8 %"
    assert format_pct(0.041234, signed=True) == "+0.0412 %"
    assert format_pct(None) == "–"
    assert excel_format(0) == "#,##0"
    assert excel_format(2) == "#,##0.00"
    s = scale_for([5_093_672_010.0], "kg CO2-Eq")
    assert s == Scale(1e9, "Mt CO2-Eq", 2)
    assert s.value(5_093_672_010.0) == pytest.approx(5.09)
    assert "E" not in s.excel_format()


# ---- extensions for the report, the CLI and the app (issue #20 point 3) -------------------
def test_units_named_with_a_comma_or_a_suffix_scale_too():
    # Kalundborg's EF fossil-energy row read 48,731,164,340 MJ, net calorific value
    assert format_row([48_731_164_340.0, 45_635_961_497.0, -3_095_202_842.0],
                      "MJ, net calorific value") == (["48.73", "45.64", MINUS + "3.10"],
                                                     "PJ, net calorific value")
    assert format_result(51_773_836_528.0, "MJ-Eq") == "51.8 PJ-Eq"
    assert format_result(2_500.0, "kg CO2-Eq/t") == "2.50 t CO2-Eq/t"
    assert format_result(2_500.0, "kgx") == "2.50 thousand kgx"  # not a ladder unit


def test_a_spreadsheet_scale_keeps_the_cell_value_and_never_goes_down():
    s = scale_for([5_093_672_010.0, 4_806_354_947.0, -287_317_063.0], "kg CO2-Eq", down=False)
    assert (s.unit, s.decimals) == ("Mt CO2-Eq", 3)
    assert s.excel_format_unscaled() == "#,##0.000,,,"  # 5,093,672,010 kg shows 5.094
    assert s.plain_text(-287_317_063.0) == "-0.287"
    small = scale_for([0.5, 0.2], "kg P-Eq", down=False)  # not 500 g: a format cannot multiply
    assert (small.factor, small.unit, small.text(0.5)) == (1.0, "kg P-Eq", "0.500")
    tiny = scale_for([1.23e-5], "CTUh", down=False, max_decimals=12)
    assert tiny.text(1.23e-5) == "0.0000123" and tiny.excel_format_unscaled() == "#,##0.0000000"
    with pytest.raises(ValueError):
        scale_for([0.5], "kg P-Eq").excel_format_unscaled()  # 500 g: no format divides by 0.001


def test_lead_values_keep_three_figures_the_others_one():
    # an exchange: Δ_e and its largest part to 3 figures, a small part to one, never a false 0
    parts = [-96_239.27, -2_059_765.5, 9_623.9, 0.0, -2_146_380.8]
    s = scale_for(parts, "kg CO2-Eq", lead=[4])
    assert [s.text(x) for x in parts] == [MINUS + "0.10", MINUS + "2.06", "0.01", "0.00",
                                         MINUS + "2.15"]
    assert s.unit == "kt CO2-Eq"
    block = Scale(1e9, "Mt CO2-Eq", 3)  # a process row read in its method's Impacts unit
    assert block.fit([490_251_875.6, 486_044_153.4, -4_207_722.2], lead=[2]).decimals == 5


def test_plain_and_power_numbers_never_use_e_notation():
    from ecolca.core.numbers import format_plain, format_power

    assert format_plain(1.3466e8) == "134,660,000"  # was "min=1.3466e+08" on Input flows
    assert format_plain(-5.3864e8) == MINUS + "538,640,000"
    assert format_plain(0.03319) == "0.03319"
    assert format_plain(1.23456789e-7) == "0.000000123457"
    assert format_power(4.7e-8) == "4.7 × 10⁻⁸" and format_power(1e-9) == "10⁻⁹"
    for x in (1e-30, 3.2e13, -2.5e-5, 1e20):
        assert "e" not in format_plain(x).lower() and "e" not in format_power(x).lower()
