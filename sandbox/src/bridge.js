// WeixinJSBridge stand-in, injected by the sandbox container into the pages it proxies, or
// (UseePay: no container) into the merchant's own pages before they load, with
// `window.__WX_SANDBOX_BASE__` naming where that gateway's pay sheet lives.
// Like WeChat, the bridge arrives shortly after the page and announces itself with the
// `WeixinJSBridgeReady` event. `getBrandWCPayRequest` shows a pay sheet with Pay / Cancel /
// Fail and calls back with WeChat's exact `err_msg` values.
(function () {
  'use strict';
  if (window.WeixinJSBridge) return;
  var REQUIRED = ['appId', 'timeStamp', 'nonceStr', 'package', 'signType', 'paySign'];
  // Same origin in the container; another origin (a simple, preflight-free request) outside.
  var BASE = window.__WX_SANDBOX_BASE__ || '';

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  function post(path, params) {
    return fetch(BASE + path, {
      method: 'POST',
      headers: { 'content-type': BASE ? 'text/plain' : 'application/json' },
      body: JSON.stringify(params),
    }).then(function (r) { return r.json(); });
  }

  function sheet(params, done) {
    var shade = el('div', { id: 'wx-paysheet', role: 'dialog', 'aria-modal': 'true',
      style: 'position:fixed;inset:0;background:rgba(0,0,0,.5);z-index:2147483647;display:flex;' +
        'align-items:flex-end;font-family:-apple-system,sans-serif' });
    var card = el('div', { style: 'background:#fff;width:100%;border-radius:12px 12px 0 0;padding:20px;' +
      'box-sizing:border-box;text-align:center' });
    shade.appendChild(card);
    card.appendChild(el('p', { style: 'margin:0 0 4px;color:#666;font-size:14px' }, '微信支付（沙箱） · WeChat Pay sandbox'));
    var info = el('p', { 'data-testid': 'sandbox-sheet-product', style: 'margin:4px 0;color:#333' }, '…');
    var amount = el('p', { 'data-testid': 'sandbox-sheet-amount', style: 'margin:8px 0 16px;font-size:28px;font-weight:600' }, '');
    card.appendChild(info);
    card.appendChild(amount);
    function button(label, testid, color) {
      var b = el('button', { type: 'button', 'data-testid': testid, style: 'display:block;width:100%;margin:8px 0;' +
        'padding:12px;font-size:16px;border:0;border-radius:8px;background:' + color + ';color:#fff' }, label);
      card.appendChild(b);
      return b;
    }
    var pay = button('支付 · Pay', 'sandbox-pay', '#07c160');
    var fail = button('模拟失败 · Fail', 'sandbox-fail', '#fa5151');
    var cancel = button('取消 · Cancel', 'sandbox-cancel', '#888');
    var finished = false;
    function finish(msg) {
      if (finished) return;
      finished = true;
      shade.remove();
      done(msg);
    }
    pay.disabled = true;
    fetch(BASE + '/__sandbox/prepay?package=' + encodeURIComponent(params['package']))
      .then(function (r) { return r.json(); })
      .then(function (p) {
        if (!p.order_no) { finish('get_brand_wcpay_request:fail'); return; }
        info.textContent = p.product_info + ' · ' + p.order_no;
        amount.textContent = p.currency + ' ' + p.amount;
        pay.disabled = false;
      })
      .catch(function () { finish('get_brand_wcpay_request:fail'); });
    pay.onclick = function () {
      pay.disabled = true;
      post('/__sandbox/pay', params)
        .then(function (r) { finish(r.ok ? 'get_brand_wcpay_request:ok' : 'get_brand_wcpay_request:fail'); })
        .catch(function () { finish('get_brand_wcpay_request:fail'); });
    };
    fail.onclick = function () {
      post('/__sandbox/fail', params).catch(function () {}).then(function () {
        finish('get_brand_wcpay_request:fail');
      });
    };
    cancel.onclick = function () { finish('get_brand_wcpay_request:cancel'); };
    document.body.appendChild(shade);
  }

  var bridge = {
    invoke: function (name, params, callback) {
      var cb = typeof callback === 'function' ? callback : function () {};
      if (name !== 'getBrandWCPayRequest') {
        setTimeout(function () { cb({ err_msg: name + ':fail' }); }, 0);
        return;
      }
      var missing = REQUIRED.filter(function (k) {
        return !params || typeof params[k] !== 'string' || !params[k];
      });
      if (missing.length) {
        setTimeout(function () {
          cb({ err_msg: 'get_brand_wcpay_request:fail', err_desc: 'missing ' + missing.join(',') });
        }, 0);
        return;
      }
      sheet(params, function (msg) { cb({ err_msg: msg }); });
    },
    on: function () {},
    call: function () {},
  };

  function ready() {
    setTimeout(function () {
      window.WeixinJSBridge = bridge;
      document.dispatchEvent(new Event('WeixinJSBridgeReady'));
    }, 30);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', ready);
  } else {
    ready();
  }
})();
