// UPI PSP handles (DATA): the suffix after '@' in a Virtual Payment Address and the app or bank
// that issues it. From NPCI's public lists of live third-party apps and bank handles; maintained
// by hand. A VPA whose handle is not listed is not reported as UPI (it may still be an e-mail).
#include "cairn/extract/platforms.h"

namespace cairn::extract {
namespace {

constexpr UpiHandleRow kUpiHandles[] = {
    {"okaxis", "Google Pay (Axis Bank)"},
    {"okhdfcbank", "Google Pay (HDFC Bank)"},
    {"okicici", "Google Pay (ICICI Bank)"},
    {"oksbi", "Google Pay (State Bank of India)"},
    {"ybl", "PhonePe (Yes Bank)"},
    {"ibl", "PhonePe (IndusInd Bank)"},
    {"axl", "PhonePe (Axis Bank)"},
    {"paytm", "Paytm Payments Bank"},
    {"pthdfc", "Paytm (HDFC Bank)"},
    {"ptsbi", "Paytm (State Bank of India)"},
    {"ptyes", "Paytm (Yes Bank)"},
    {"ptaxis", "Paytm (Axis Bank)"},
    {"apl", "Amazon Pay (Axis Bank)"},
    {"yapl", "Amazon Pay (Yes Bank)"},
    {"rapl", "Amazon Pay (RBL Bank)"},
    {"upi", "BHIM"},
    {"waaxis", "WhatsApp Pay (Axis Bank)"},
    {"wahdfcbank", "WhatsApp Pay (HDFC Bank)"},
    {"waicici", "WhatsApp Pay (ICICI Bank)"},
    {"wasbi", "WhatsApp Pay (State Bank of India)"},
    {"axisbank", "Axis Bank"},
    {"axisb", "CRED (Axis Bank)"},
    {"hdfcbank", "HDFC Bank"},
    {"hdfcbankjd", "HDFC Bank"},
    {"icici", "ICICI Bank"},
    {"sbi", "State Bank of India"},
    {"kotak", "Kotak Mahindra Bank"},
    {"kmbl", "Kotak Mahindra Bank"},
    {"yesbank", "Yes Bank"},
    {"yesbankltd", "Yes Bank"},
    {"pnb", "Punjab National Bank"},
    {"boi", "Bank of India"},
    {"barodampay", "Bank of Baroda"},
    {"unionbank", "Union Bank of India"},
    {"unionbankofindia", "Union Bank of India"},
    {"cnrb", "Canara Bank"},
    {"idfcbank", "IDFC First Bank"},
    {"idfcfirst", "IDFC First Bank"},
    {"indus", "IndusInd Bank"},
    {"federal", "Federal Bank"},
    {"fbl", "Federal Bank"},
    {"rbl", "RBL Bank"},
    {"aubank", "AU Small Finance Bank"},
    {"jupiteraxis", "Jupiter (Axis Bank)"},
    {"airtel", "Airtel Payments Bank"},
    {"airtelpaymentsbank", "Airtel Payments Bank"},
    {"freecharge", "Freecharge (Axis Bank)"},
    {"ikwik", "MobiKwik (HDFC Bank)"},
    {"timecosmos", "Times Internet"},
    {"pingpay", "Samsung Pay (Axis Bank)"},
    {"abfspay", "Aditya Birla Capital"},
    {"jio", "Jio Payments Bank"},
    {"dbs", "DBS Bank India"},
    {"hsbc", "HSBC India"},
    {"sc", "Standard Chartered"},
    {"citi", "Citibank"},
    {"citigold", "Citibank"},
    {"kbl", "Karnataka Bank"},
    {"kvb", "Karur Vysya Bank"},
    {"allbank", "Allahabad Bank"},
    {"andb", "Andhra Bank"},
    {"idbi", "IDBI Bank"},
    {"indianbank", "Indian Bank"},
    {"iob", "Indian Overseas Bank"},
    {"uco", "UCO Bank"},
    {"vijb", "Vijaya Bank"},
    {"dlb", "Dhanlaxmi Bank"},
    {"dcb", "DCB Bank"},
    {"equitas", "Equitas Small Finance Bank"},
    {"fam", "FamPay"},
    {"slice", "slice (North East Small Finance Bank)"},
    {"niyoicici", "Niyo (ICICI Bank)"},
    {"postbank", "India Post Payments Bank"},
    {"mahb", "Bank of Maharashtra"},
    {"psb", "Punjab & Sind Bank"},
    {"cbin", "Central Bank of India"},
    {"centralbank", "Central Bank of India"},
    {"csbpay", "CSB Bank"},
    {"tjsb", "TJSB Sahakari Bank"},
    {"utbi", "United Bank of India"},
    {"obc", "Oriental Bank of Commerce"},
    {"syndicate", "Syndicate Bank"},
    {"lvb", "Lakshmi Vilas Bank"},
    {"tmb", "Tamilnad Mercantile Bank"},
    {"jkb", "Jammu & Kashmir Bank"},
    {"southindianbank", "South Indian Bank"},
    {"sib", "South Indian Bank"},
    {"ujjivan", "Ujjivan Small Finance Bank"},
    {"esaf", "ESAF Small Finance Bank"},
    {"finobank", "Fino Payments Bank"},
    {"nsdl", "NSDL Payments Bank"},
    {"bandhan", "Bandhan Bank"},
    {"yesg", "Groww (Yes Bank)"},
    {"naviaxis", "Navi (Axis Bank)"},
    {"superyes", "super.money (Yes Bank)"},
};

}  // namespace

std::span<const UpiHandleRow> UpiHandleTable() { return kUpiHandles; }

std::optional<std::string_view> LookupUpiHandle(std::string_view handle) {
  for (const UpiHandleRow& row : kUpiHandles) {
    if (row.handle == handle) return row.psp;
  }
  return std::nullopt;
}

}  // namespace cairn::extract
