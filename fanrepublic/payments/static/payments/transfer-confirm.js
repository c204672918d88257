// A WeChat Pay payout waiting for the member (商家转账, state WAIT_USER_CONFIRM): WeChat's
// own browser shows its "confirm receipt" page for the transfer's package. Other browsers
// have no WeixinJSBridge, so the button says where to open the page instead.
(function () {
  "use strict";
  document.querySelectorAll("[data-wechat-transfer]").forEach(function (button) {
    button.addEventListener("click", function () {
      var elsewhere = document.getElementById(button.getAttribute("aria-describedby"));
      if (typeof window.WeixinJSBridge === "undefined" || !window.WeixinJSBridge.invoke) {
        if (elsewhere) { elsewhere.hidden = false; }
        return;
      }
      window.WeixinJSBridge.invoke(
        "requestMerchantTransfer",
        { mchId: button.dataset.mchId, appId: button.dataset.appId, package: button.dataset.package },
        function (result) {
          // "ok" means the page was shown and left, not that the money arrived: the
          // payout's page reloads and shows what WeChat Pay reported.
          if (result && result.err_msg === "requestMerchantTransfer:ok") { window.location.reload(); }
        }
      );
    });
  });
})();
