/* Pure parts of smoke: bus id normalisation, PCIe rates, sysfs link speed
 * strings, and the JSON renderer on a hand-built result. */
#include <stdlib.h>

#include "cuda/smoke_internal.h"
#include "unit.h"
#include "util/strbuf.h"

int main(void)
{
	char b[32];
	struct smoke_result res;
	struct strbuf sb = STRBUF_INIT;

	smoke_bus_id_norm("0000:3B:00.0", b, sizeof(b));
	UNIT_STREQ(b, "0000:3b:00.0", "bus_id_from_cuda_lowercased");
	smoke_bus_id_norm("00000000:3B:00.0", b, sizeof(b));
	UNIT_STREQ(b, "0000:3b:00.0", "bus_id_from_nvml_domain_shortened");
	smoke_bus_id_norm("3b:00.1", b, sizeof(b));
	UNIT_STREQ(b, "0000:3b:00.1", "bus_id_without_domain_gets_0000");
	smoke_bus_id_norm("junk", b, sizeof(b));
	UNIT_STREQ(b, "junk", "bus_id_unparsable_kept");

	UNIT_INTEQ((int)(smoke_pcie_gbs(5, 16) * 10 + 0.5), 630, "pcie_gen5_x16_is_63_gbs");
	UNIT_INTEQ((int)(smoke_pcie_gbs(3, 16) * 10 + 0.5), 158, "pcie_gen3_x16_is_15_8_gbs");
	UNIT_INTEQ((int)(smoke_pcie_gbs(1, 1) * 100 + 0.5), 25, "pcie_gen1_x1_is_250_mbs");
	UNIT_OK(smoke_pcie_gbs(7, 16) == 0 && smoke_pcie_gbs(4, 0) == 0, "pcie_unknown_is_0");

	UNIT_INTEQ(smoke_pcie_gen_of_speed("32.0 GT/s PCIe"), 5, "speed_32gts_is_gen5");
	UNIT_INTEQ(smoke_pcie_gen_of_speed("2.5 GT/s PCIe"), 1, "speed_2_5gts_is_gen1");
	UNIT_INTEQ(smoke_pcie_gen_of_speed("8.0 GT/s"), 3, "speed_8gts_is_gen3");
	UNIT_INTEQ(smoke_pcie_gen_of_speed("Unknown"), 0, "speed_unknown_is_0");

	memset(&res, 0, sizeof(res));
	res.cuda_count = res.nvml_count = -1;
	res.init.n = 1;
	res.init.v[0].name = "load libcuda";
	res.init.v[0].status = SMOKE_FAIL;
	res.init.v[0].cu_error = -2;
	snprintf(res.init.v[0].detail, sizeof(res.init.v[0].detail), "say \"hi\"\n");
	smoke_render_json(&res, &sb);
	UNIT_OK(strstr(sb.buf, "\"schema\": \"dom0cuda.smoke/1\"") != NULL, "json_has_schema");
	UNIT_OK(strstr(sb.buf, "say \\\"hi\\\"\\n") != NULL, "json_escapes_detail");
	UNIT_OK(strstr(sb.buf, "\"verdict\": \"fails\"") != NULL, "json_verdict_fails_when_not_ok");
	strbuf_release(&sb);
	return unit_done();
}
