//! `?page=1&page_size=20` (at most 100) → `{"count", "next", "previous", "results"}`,
//! the list shape of every endpoint.

use poem::http::Uri;
use poem_openapi::Object;
use poem_openapi::types::{ParseFromJSON, ToJSON};

use crate::db::Window;
use crate::http::error::{ApiError, ApiResult, FieldError};
use crate::http::json::JsonOut;

pub const DEFAULT_PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 100;

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub page_size: u32,
}

impl PageRequest {
    /// Parses the query parameters; out-of-range values are a 422 naming the parameter.
    pub fn parse(page: Option<i64>, page_size: Option<i64>) -> ApiResult<PageRequest> {
        let mut errors = Vec::new();
        let page = match page {
            None => 1,
            Some(p) if (1..=1_000_000).contains(&p) => p as u32,
            Some(_) => {
                errors.push(FieldError::new("page", "must be between 1 and 1000000"));
                1
            }
        };
        let page_size = match page_size {
            None => DEFAULT_PAGE_SIZE,
            Some(s) if (1..=MAX_PAGE_SIZE as i64).contains(&s) => s as u32,
            Some(_) => {
                errors.push(FieldError::new("page_size", "must be between 1 and 100"));
                DEFAULT_PAGE_SIZE
            }
        };
        if errors.is_empty() { Ok(PageRequest { page, page_size }) } else { Err(ApiError::Validation(errors)) }
    }

    /// The rows this page covers.
    pub fn window(&self) -> Window {
        Window { limit: self.page_size as i64, offset: (self.page as i64 - 1) * self.page_size as i64 }
    }
}

/// A list request as a handler sees it: the validated page and the URI its links keep.
pub struct Paging<'a> {
    uri: &'a Uri,
    request: PageRequest,
}

impl<'a> Paging<'a> {
    /// Validates `?page=&page_size=` (422 naming the parameter when out of range).
    pub fn new(uri: &'a Uri, page: Option<i64>, page_size: Option<i64>) -> ApiResult<Paging<'a>> {
        Ok(Paging { uri, request: PageRequest::parse(page, page_size)? })
    }

    pub fn window(&self) -> Window {
        self.request.window()
    }

    /// The answer: the rows found and the total count, with links to the pages around.
    pub fn answer<T: ParseFromJSON + ToJSON>(&self, (count, results): (i64, Vec<T>)) -> JsonOut<Page<T>> {
        JsonOut(Page::new(self.uri, self.request, count, results))
    }
}

/// One page of a list.
#[derive(Debug, Object, serde::Serialize)]
pub struct Page<T: ParseFromJSON + ToJSON> {
    /// How many items match, over all pages.
    pub count: i64,
    /// The next page's URL (path and query), if any.
    pub next: Option<String>,
    /// The previous page's URL, if any.
    pub previous: Option<String>,
    pub results: Vec<T>,
}

impl<T: ParseFromJSON + ToJSON> Page<T> {
    /// Builds the page with links that keep every other query parameter of `uri`.
    pub fn new(uri: &Uri, request: PageRequest, count: i64, results: Vec<T>) -> Page<T> {
        let last_page = ((count.max(1) - 1) / request.page_size as i64 + 1) as u32;
        let next = (request.page < last_page).then(|| link(uri, request.page + 1, request));
        let previous = (request.page > 1 && count > 0).then(|| link(uri, (request.page - 1).min(last_page), request));
        Page { count, next, previous, results }
    }
}

fn link(uri: &Uri, page: u32, request: PageRequest) -> String {
    let mut query: Vec<String> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or("");
            !pair.is_empty() && key != "page" && key != "page_size"
        })
        .map(str::to_owned)
        .collect();
    query.push(format!("page={page}"));
    query.push(format!("page_size={}", request.page_size));
    format!("{}?{}", uri.path(), query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    #[test]
    fn links_keep_other_parameters_and_replace_the_page() {
        let req = PageRequest::parse(Some(2), Some(10)).unwrap();
        let page: Page<i32> = Page::new(&uri("/api/clients?search=ana&page=2&page_size=10"), req, 35, vec![]);
        assert_eq!(page.next.as_deref(), Some("/api/clients?search=ana&page=3&page_size=10"));
        assert_eq!(page.previous.as_deref(), Some("/api/clients?search=ana&page=1&page_size=10"));
    }

    #[test]
    fn last_page_has_no_next_and_first_has_no_previous() {
        let req = PageRequest::parse(None, None).unwrap();
        let page: Page<i32> = Page::new(&uri("/api/clients"), req, 20, vec![]);
        assert_eq!(page.next, None);
        assert_eq!(page.previous, None);
    }

    #[test]
    fn out_of_range_values_name_the_parameter() {
        let err = PageRequest::parse(Some(0), Some(101)).unwrap_err();
        let ApiError::Validation(errors) = err else { panic!("expected validation") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["page", "page_size"]);
    }
}
