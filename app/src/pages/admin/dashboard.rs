//! The dashboard: takings by period and the last days' revenue.

use crate::admin::Period;
use crate::api::admin::admin_dashboard;
use crate::components::notice::LoadError;
use crate::i18n::{admin_t, t};
use crate::money::Money;
use leptos::prelude::*;

fn money_list(list: &[Money]) -> String {
    if list.is_empty() {
        return "—".to_owned();
    }
    list.iter()
        .map(Money::to_string)
        .collect::<Vec<_>>()
        .join(" · ")
}

#[component]
fn PeriodCard(title: &'static str, period: Period, testid: &'static str) -> impl IntoView {
    let a = admin_t();
    view! {
        <section class="stat-card" data-testid=testid>
            <h2>{title}</h2>
            <dl>
                <dt>{a.paid_orders}</dt><dd data-testid="paid-orders">{period.paid_orders}</dd>
                <dt>{a.revenue}</dt><dd data-testid="revenue">{money_list(&period.revenue)}</dd>
                <dt>{a.average_order}</dt><dd>{money_list(&period.average)}</dd>
            </dl>
        </section>
    }
}

fn chart(daily: &[(String, Money)]) -> String {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::admin::orders::chart_svg(daily)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = daily;
        String::new()
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let a = admin_t();
    let data = Resource::new(|| (), |_| admin_dashboard());
    view! {
        <crate::components::PageTitle text=a.dashboard/>
        <h1 class="page-title">{a.dashboard}</h1>
        <Suspense fallback=move || view! { <p class="loading">{t().loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! {
                        {(d.alerts_failing > 0).then(|| view! {
                            <p class="notice notice-error" role="alert" data-testid="alerts-failing">
                                {(a.alerts_failing)(d.alerts_failing, &d.alert_error)}
                            </p>
                        })}
                        <div class="stat-grid">
                            <PeriodCard title=a.today period=d.today testid="today"/>
                            <PeriodCard title=a.last_7_days period=d.last_7_days testid="week"/>
                            <a class="stat-card" href="/admin/orders?status=paid" data-testid="to-ship">
                                <h2>{a.to_ship}</h2><strong>{d.to_ship}</strong>
                            </a>
                            <a class="stat-card" href="/admin/orders?status=attention" data-testid="flagged">
                                <h2>{a.flagged}</h2><strong>{d.flagged}</strong>
                            </a>
                            <a class="stat-card" href="/admin/after-sales" data-testid="after-sales-count">
                                <h2>{crate::i18n::after_sales::after_sales_t().to_handle}</h2><strong>{d.after_sales}</strong>
                            </a>
                            <a class="stat-card" href="/admin/products" data-testid="low-stock">
                                <h2>{a.low_stock}</h2><strong>{d.low_stock}</strong>
                            </a>
                        </div>
                        <section class="stat-card chart-card" data-testid="revenue-chart">
                            <h2>{a.revenue_14_days}</h2>
                            <div inner_html=chart(&d.daily)></div>
                        </section>
                    }.into_any(),
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
